/**
 * What the jobs of one read share: a VM's name, container and item, its vault's name and ID repeat on every
 * job of that VM, so each distinct text is kept once (the parser makes a new copy per row) and each resource
 * ID is put in canonical form once. Large reads hold far less memory this way. The caches are bounded: past
 * their limit they start again, which costs only sharing.
 */
import { normaliseId, vmIdOf } from "../domain/identity.js";

const LIMIT = 200_000;

/**
 * `text` as a string of its own. A part of a larger text (a CSV field cut from the file's text) may share
 * that text's memory; a string kept past the part's reading must not keep the whole part alive.
 */
export function ownText(text: string): string {
  // V8 copies strings under 13 characters; a longer one is joined to a character and cut off it again,
  // which makes a flat copy of it.
  return text.length < 13 ? text : (" " + text).slice(1);
}

/** Where a job ran, as read from its row (`raw`) and as kept on the job (`kept`). */
export interface Place {
  vm: string;
  vault: string;
  /** VaultResourceId (or ResourceId) as the row has it. */
  vaultId: string;
  container: string;
  datasourceId: string;
}

export interface KeptPlace {
  vm: string;
  vault: string;
  vaultId: string | null;
  vmId: string | null;
  container: string | null;
  itemId: string | null;
}

export class SharedTexts {
  private readonly texts = new Map<string, string>();
  private readonly ids = new Map<string, string | null>();
  /** VM ID by DatasourceResourceId (key "" holds those built from a container), then container, then vault ID. */
  private readonly vmIds = new Map<string, Map<string, Map<string, string | null>>>();
  private vmIdCount = 0;
  /** The last place read for each item ID: an item's rows almost always say the same, compared without hashing. */
  private readonly places = new Map<string, { raw: Place; kept: KeptPlace }>();

  /** The place of a job with texts kept once and IDs in canonical form. */
  place(itemId: string, raw: Place): KeptPlace {
    const last = itemId === "" ? undefined : this.places.get(itemId);
    if (
      last !== undefined &&
      last.raw.vm === raw.vm &&
      last.raw.vault === raw.vault &&
      last.raw.vaultId === raw.vaultId &&
      last.raw.container === raw.container &&
      last.raw.datasourceId === raw.datasourceId
    ) {
      return last.kept;
    }
    const kept: KeptPlace = {
      vm: this.text(raw.vm),
      vault: this.text(raw.vault),
      vaultId: this.id(raw.vaultId),
      vmId: this.vmId(raw.datasourceId, raw.container, raw.vaultId),
      container: raw.container === "" ? null : this.text(raw.container),
      itemId: itemId === "" ? null : this.text(itemId),
    };
    if (itemId !== "") {
      if (this.places.size >= LIMIT) this.places.clear();
      const own: Place = {
        vm: kept.vm,
        vault: kept.vault,
        vaultId: this.text(raw.vaultId),
        container: kept.container ?? "",
        datasourceId: this.text(raw.datasourceId),
      };
      this.places.set(kept.itemId ?? itemId, { raw: own, kept });
    }
    return kept;
  }

  /** The codes read so far, while they are few: most are found here by length and text, without hashing. */
  private readonly codes: string[] = [];

  /** {@link text} for a failure or warning code: a read holds few distinct ones. */
  code(text: string): string {
    const codes = this.codes;
    for (let k = 0; k < codes.length; k++) {
      const code = codes[k] as string;
      if (code.length === text.length && code === text) return code;
    }
    const own = this.text(text);
    if (codes.length < 32) codes.push(own);
    return own;
  }

  /** The one kept copy of `text` (short texts are shared by the parser already). */
  text(text: string): string {
    if (text.length <= 10) return text;
    const hit = this.texts.get(text);
    if (hit !== undefined) return hit;
    if (this.texts.size >= LIMIT) this.texts.clear();
    const own = ownText(text);
    this.texts.set(own, own);
    return own;
  }

  /** {@link normaliseId}, computed once per distinct text. */
  id(raw: string): string | null {
    if (raw === "") return null;
    const hit = this.ids.get(raw);
    if (hit !== undefined) return hit;
    const id = normaliseId(raw);
    const kept = id === null ? null : this.text(id);
    if (this.ids.size >= LIMIT) this.ids.clear();
    this.ids.set(this.text(raw), kept);
    return kept;
  }

  /** {@link vmIdOf}, computed once per distinct (datasource ID, container, vault ID). */
  vmId(datasourceId: string, container: string, vaultId: string): string | null {
    let byContainer = this.vmIds.get(datasourceId);
    if (byContainer === undefined) {
      byContainer = new Map();
      this.vmIds.set(this.text(datasourceId), byContainer);
    }
    let byVault = byContainer.get(container);
    if (byVault === undefined) {
      byVault = new Map();
      byContainer.set(this.text(container), byVault);
    }
    const hit = byVault.get(vaultId);
    if (hit !== undefined) return hit;
    const id = vmIdOf(datasourceId, container, vaultId);
    if (this.vmIdCount >= LIMIT) {
      this.vmIds.clear();
      this.vmIdCount = 0;
    }
    this.vmIdCount++;
    const kept = id === null ? null : this.text(id);
    byVault.set(this.text(vaultId), kept);
    return kept;
  }
}
