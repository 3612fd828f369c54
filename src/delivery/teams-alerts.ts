/**
 * Alerts as one Microsoft Teams Workflows message (Adaptive Card 1.5), in the configured language; names and
 * codes shown as written (see teams.ts for the card's rules and size budget).
 */
import { formatInstant, messagesFor, type Messages } from "../domain/messages/index.js";
import type { AlertView, RenderedPayload } from "./alert.js";
import {
  card,
  envelope,
  fit,
  openUrl,
  teamsText,
  text,
  TEAMS_BUDGET_BYTES,
  type Element,
  type TeamsOptions,
} from "./teams.js";
import { clip, moreLine } from "./text.js";

/** Alerts as one Teams Workflows message. */
export function teamsAlerts(
  alerts: readonly AlertView[],
  options: TeamsOptions & { messages?: Messages; timeZone?: string } = {},
): RenderedPayload {
  const m = options.messages ?? messagesFor("en");
  return fit((lim) => {
    const n = lim.rows;
    const body: Element[] = [
      text(`${m.product} · ${m.alert.count(alerts.length)}`, {
        size: "Large",
        weight: "Bolder",
      }),
    ];
    const shown = alerts.slice(0, n);
    for (const a of shown) {
      const items: Element[] = [
        text(teamsText(clip(a.title, 200)), { weight: "Bolder", color: "Attention" }),
        {
          type: "FactSet",
          facts: [
            { title: m.alert.vm, value: teamsText(clip(a.vmLabel ?? a.vm, 80)) },
            { title: m.alert.vault, value: teamsText(clip(a.vaultLabel ?? a.vault, 80)) },
            { title: m.alert.when, value: teamsText(formatInstant(a.at, m, options.timeZone)) },
            ...(a.errorCode ? [{ title: m.alert.code, value: teamsText(clip(a.errorCode, 80)) }] : []),
          ],
        },
        text(teamsText(clip(a.detail, 400)), { size: "Small" }),
      ];
      if (a.action)
        items.push(text(`${m.alert.whatToDo}: ${clip(a.action, 300)}`, { size: "Small", isSubtle: true }));
      for (const hint of a.hints ?? [])
        items.push(text(`${m.alert.tip}: ${clip(hint, 400)}`, { size: "Small", isSubtle: true }));
      if (a.docUrl) items.push({ type: "ActionSet", actions: [openUrl(m.alert.doc, a.docUrl)] });
      body.push({ type: "Container", separator: true, spacing: "Medium", items });
    }
    if (alerts.length > shown.length)
      body.push(text(moreLine(alerts.length - shown.length, m), { isSubtle: true }));
    return envelope(card(body, []));
  }, options.maxBytes ?? TEAMS_BUDGET_BYTES);
}
