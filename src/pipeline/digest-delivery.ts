/**
 * Delivering the daily digest on each channel (the webhook, e-mail) through the outbox, and catching up the
 * digests of stored days that no run delivered (a run that failed, a store outage): each is delivered once,
 * marked late, with the next run that finds its day stored within the look-back.
 */
import type { Config } from "../config.js";
import type { Digest } from "../domain/digest.js";
import { addDays } from "../domain/days.js";
import { messagesFor, type Locale } from "../domain/messages/index.js";
import { emailTargetUrl } from "../delivery/email-sender.js";
import { emailDigest } from "../delivery/email.js";
import type { Poster } from "../delivery/poster.js";
import { renderDigest, type RenderedPayload } from "../delivery/render.js";
import type { DeliveryTarget } from "../delivery/send.js";
import type { Outbox } from "../store/outbox.js";
import type { TrendStore } from "../store/trend-store.js";
import { composeDigest } from "./compose-digest.js";
import { deliver, undeliveredLines, type DeliveryReport } from "./deliver.js";
import { webhookTarget } from "./outcome.js";

/** One way the digest goes out. */
export interface DigestChannel {
  /** How the log names it: "to the webhook", "by e-mail". */
  label: string;
  poster: Poster;
  target: DeliveryTarget;
  render: (digest: Digest) => RenderedPayload;
}

/** The digest's channels: the webhook (PULSE_WEBHOOK_URL) and e-mail (PULSE_EMAIL_TO), when set. */
export function digestChannels(
  config: Config,
  deps: { poster: Poster; emailSender?: Poster | null },
): DigestChannel[] {
  const channels: DigestChannel[] = [];
  const webhook = webhookTarget(config);
  if (webhook) {
    channels.push({
      label: "to the webhook",
      poster: deps.poster,
      target: webhook,
      render: (d) => renderDigest(webhook.format, d),
    });
  }
  if (config.email && deps.emailSender) {
    channels.push({
      label: "by e-mail",
      poster: deps.emailSender,
      target: { url: emailTargetUrl(config.email.to), format: "email" as const },
      render: emailDigest,
    });
  }
  return channels;
}

/** A digest and the channels it still has to go to. */
export interface DigestToDeliver {
  digest: Digest;
  channels: readonly DigestChannel[];
}

/**
 * Delivers the digests (oldest first) on their channels through the outbox, one delivery per channel, which
 * also retries what earlier runs left pending for it; null when there is no channel.
 */
export async function deliverDigests(
  channels: readonly DigestChannel[],
  outbox: Outbox,
  digests: readonly DigestToDeliver[],
  log: (line: string) => void,
): Promise<DeliveryReport | null> {
  if (channels.length === 0) return null;
  const report: DeliveryReport = { posted: [], alreadyPosted: [], inFlight: [], failed: [], waiting: [] };
  for (const channel of channels) {
    const { label, poster, target } = channel;
    const items = digests
      .filter((d) => d.channels.includes(channel))
      .map((d) => ({
        kind: "digest" as const,
        key: d.digest.date,
        target,
        payload: channel.render(d.digest),
      }));
    const delivery = await deliver({ outbox, poster, items });
    const how = target.format === "email" ? "Sent" : "Posted";
    for (const p of delivery.posted) log(`${how} the ${p.kind} for ${p.key} ${label} (HTTP ${p.status})`);
    for (const p of delivery.alreadyPosted)
      log(`The ${p.kind} for ${p.key} was already delivered ${label}: not sent again`);
    for (const p of delivery.inFlight)
      log(`The ${p.kind} for ${p.key} is being delivered ${label} by another run`);
    for (const line of undeliveredLines(delivery, outbox.now(), label)) log(line);
    report.posted.push(...delivery.posted);
    report.alreadyPosted.push(...delivery.alreadyPosted);
    report.inFlight.push(...delivery.inFlight);
    report.failed.push(...delivery.failed);
    report.waiting.push(...delivery.waiting);
  }
  return report;
}

/**
 * The digests of the stored days from `firstDay` up to, not including, `date` that were never delivered on a
 * channel: no outbox record of the day for that channel, while the channel did get a digest of an earlier
 * day (so a first run, or a channel just added, does not send the look-back's days). Each is the stored
 * day's digest with a note that it is late.
 */
export async function missedDigests(input: {
  channels: readonly DigestChannel[];
  outbox: Outbox;
  store: TrendStore;
  firstDay: string;
  date: string;
  log: (line: string) => void;
  /** The digests' language and time zone (PULSE_LOCALE, PULSE_TIMEZONE; default English, UTC). */
  words?: { locale?: Locale; timeZone?: string };
}): Promise<DigestToDeliver[]> {
  const { channels, outbox, store, date, log } = input;
  const words = input.words ?? {};
  const m = messagesFor(words.locale);
  const missed: DigestToDeliver[] = [];
  for (let day = input.firstDay; day < date; day = addDays(day, 1)) {
    const run = await store.readRun(day);
    if (!run) continue; // not a stored day
    const late: DigestChannel[] = [];
    for (const channel of channels) {
      const url = channel.target.url;
      if ((await outbox.read("digest", day, url)) === null && (await outbox.hasEarlierDigest(day, url)))
        late.push(channel);
    }
    if (late.length === 0) continue;
    const digest = await composeDigest({
      date: day,
      jobs: await store.readDayJobs(day),
      store,
      run,
      ...words,
    });
    digest.notes.unshift(m.notes.late(m.day(day), m.day(date)));
    log(
      `The digest for ${day} was never delivered ${late.map((c) => c.label).join(" or ")}: it is sent now, marked late`,
    );
    missed.push({ digest, channels: late });
  }
  return missed;
}
