// options.js — the options page: reads and writes the person's settings
// (lib/policy.js) in chrome.storage.local. The service worker sends every
// change to the daemon.

import { LIMITS, MIB, POLICY_KEY, loadPolicy, normalizePolicy, parseSites } from './lib/policy.js';

const $ = (id) => document.getElementById(id);

/** Shows tabtap's defaults and bounds (LIMITS) in the limits' fields and text. */
function showLimits() {
  const body = LIMITS.maxBodyBytes;
  const total = LIMITS.maxTotalBytes;
  const step = Number($('maxBodyMiB').step) * MIB; // 0 is "not set": the least is a step
  Object.assign($('maxBodyMiB'), { min: Math.max(body.min, step) / MIB, max: body.max / MIB, placeholder: body.default / MIB });
  Object.assign($('maxTotalMiB'), { min: total.min / MIB, max: total.max / MIB, placeholder: total.default / MIB });
  $('defaultBodyMiB').textContent = body.default / MIB;
  $('maxBodyLimitMiB').textContent = body.max / MIB;
  $('defaultTotalMiB').textContent = total.default / MIB;
  $('minTotalMiB').textContent = total.min / MIB;
  $('maxTotalLimitMiB').textContent = total.max / MIB;
}

function show(p) {
  $('allowUnredacted').checked = p.allowUnredacted;
  $('blockedSites').value = p.blockedSites.join('\n');
  $('captureBodies').checked = p.captureBodies;
  $('maxBodyMiB').value = p.maxBodyBytes ? String(p.maxBodyBytes / MIB) : '';
  $('maxTotalMiB').value = p.maxTotalBytes ? String(p.maxTotalBytes / MIB) : '';
  $('sendSites').value = p.sendSites.join('\n');
  $('sendChanges').checked = p.sendChanges;
}

function read() {
  return normalizePolicy({
    allowUnredacted: $('allowUnredacted').checked,
    blockedSites: parseSites($('blockedSites').value),
    captureBodies: $('captureBodies').checked,
    maxBodyBytes: Math.round(Number($('maxBodyMiB').value || 0) * MIB),
    maxTotalBytes: Math.round(Number($('maxTotalMiB').value || 0) * MIB),
    sendSites: parseSites($('sendSites').value),
    sendChanges: $('sendChanges').checked,
  });
}

async function main() {
  showLimits();
  show(await loadPolicy(chrome.storage.local));
  $('policy').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const p = read();
    try {
      await chrome.storage.local.set({ [POLICY_KEY]: p });
      show(p);
      $('saved').textContent = 'Saved.';
    } catch (e) {
      $('saved').textContent = `Not saved: ${e?.message ?? e}`;
    }
  });
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes[POLICY_KEY]) show(normalizePolicy(changes[POLICY_KEY].newValue));
  });
}

main();
