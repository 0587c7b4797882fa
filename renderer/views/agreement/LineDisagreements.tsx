import type { DbAgreementReport } from '../../../shared/agreement/report.ts';
import { lineSpan } from '../../../shared/codebook/lines.ts';

/** Lines as spans: [3, 4, 5, 9] -> "L3–5, L9". */
function spans(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    out.push(lineSpan({ start: lines[i], end: lines[j] }));
    i = j + 1;
  }
  return out.join(', ');
}

/** For each lines dimension: the entries where the annotators point at different lines, and which lines. */
export function LineDisagreements({ report, onOpen }: { report: DbAgreementReport; onOpen(entryId: string): void }) {
  const dims = report.dimensions.filter((d) => d.kind === 'lines' && d.lineDisagreements);
  if (!dims.length) return null;
  return (
    <>
      {dims.map((d) => (
        <section key={d.id} className="ag-card" data-testid={`line-disagreements-${d.id}`}>
          <div className="ag-card-label">
            {d.label}: where the annotators point at different lines, or put different values on a line ({d.lineDisagreements!.length} of {d.units} entries, {d.lineUnits ?? 0} lines)
          </div>
          {d.lineDisagreements!.length === 0 ? (
            <div className="muted small">Everyone who labelled an entry pinned the same values to the same lines.</div>
          ) : (
            <table className="ag-table line-disagreements">
              <tbody>
                {d.lineDisagreements!.map((e) => (
                  <tr key={e.entry} data-testid="line-disagreement" data-entry-id={e.entry}>
                    <td>
                      <button className="btn btn-ghost btn-sm mono" onClick={() => onOpen(e.entry)} title="Open the entry in the Label view">
                        {e.entry}
                      </button>
                    </td>
                    <td className="mono small">{spans(e.differing)}</td>
                    <td className="muted small">
                      {e.differing.length} of {e.lines} lines
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </>
  );
}
