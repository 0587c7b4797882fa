// Reads Electronegativity's CSV report and sorts its findings: HIGH and MEDIUM ones must be
// explained in allowlist.json, or the check fails. Pure functions, tested in
// test/reliability/electronegativity.test.ts; scripts/electronegativity.mjs runs the scanner.

/** RFC 4180 records (quoted cells with doubled quotes and newlines); the scanner quotes every cell that may hold commas. */
export function parseCsv(text) {
  const records = [];
  let cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.length > 1 || cells[0] !== '') records.push(cells);
      cells = [];
      cell = '';
    } else cell += c;
  }
  if (quoted) throw new Error('electronegativity report: a quoted cell is never closed');
  if (cell !== '' || cells.length) {
    cells.push(cell);
    records.push(cells);
  }
  return records;
}

/** The report's findings: { check, severity, confidence, file, location, sample, description }. */
export function readFindings(csv) {
  const [header, ...rows] = parseCsv(csv);
  const names = header.map((h) => h.trim());
  const want = ['issue', 'severity', 'confidence', 'filename', 'location', 'sample', 'description'];
  for (const w of want) if (!names.includes(w)) throw new Error(`electronegativity report: no "${w}" column (columns: ${names.join(', ')})`);
  return rows.map((r) => {
    const get = (n) => r[names.indexOf(n)] ?? '';
    return {
      check: get('issue'),
      severity: get('severity').toUpperCase(),
      confidence: get('confidence').toUpperCase(),
      file: get('filename'),
      location: get('location'),
      sample: get('sample'),
      description: get('description'),
    };
  });
}

const blocking = new Set(['HIGH', 'MEDIUM']);

/**
 * Splits findings into failing (HIGH/MEDIUM, not explained), allowed (explained) and the rest;
 * `stale` lists allowlist entries that matched nothing, so explanations cannot outlive their code.
 */
export function judge(findings, allowlist) {
  const used = new Set();
  const failing = [];
  const allowed = [];
  const other = [];
  for (const f of findings) {
    if (!blocking.has(f.severity)) {
      other.push(f);
      continue;
    }
    const k = allowlist.findIndex((a) => a.check === f.check && (!a.file || a.file === f.file) && (!a.sample || f.sample.includes(a.sample)));
    if (k === -1) failing.push(f);
    else {
      used.add(k);
      allowed.push({ ...f, why: allowlist[k].why });
    }
  }
  const stale = allowlist.filter((_, k) => !used.has(k));
  return { failing, allowed, other, stale };
}
