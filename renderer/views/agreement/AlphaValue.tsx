import type { AlphaResult } from '../../../shared/agreement/types.ts';
import { formatAlpha, shortReason, toneOf } from './format.ts';

/** An alpha figure, or "undefined" with the reason the service gave (never 0, NaN or a bare dash). */
/** `bare`: the word only, where the row prints the reason beside it. */
export function AlphaValue({ result, thresholds, full, bare }: { result: AlphaResult; thresholds: number[]; full?: boolean; bare?: boolean }) {
  if (result.alpha === null)
    return (
      <span className="alpha alpha-undefined" data-testid="alpha-undefined" title={result.undefinedReason}>
        undefined{!bare && <span className="alpha-reason"> ({full ? result.undefinedReason : shortReason(result.undefinedReason)})</span>}
      </span>
    );
  return (
    <span className={`alpha tone-${toneOf(result.alpha, thresholds)}`} data-testid="alpha-value">
      {formatAlpha(result.alpha)}
    </span>
  );
}
