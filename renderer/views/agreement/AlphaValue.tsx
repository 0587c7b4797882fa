import type { AlphaResult } from '../../../shared/agreement/types.ts';
import { formatAlpha, shortReason, toneOf } from './format.ts';

/** An alpha figure, or "undefined" with the reason the service gave (never 0, NaN or a bare dash). */
export function AlphaValue({ result, thresholds, full }: { result: AlphaResult; thresholds: number[]; full?: boolean }) {
  if (result.alpha === null)
    return (
      <span className="alpha alpha-undefined" data-testid="alpha-undefined" title={result.undefinedReason}>
        undefined <span className="alpha-reason">({full ? result.undefinedReason : shortReason(result.undefinedReason)})</span>
      </span>
    );
  return (
    <span className={`alpha tone-${toneOf(result.alpha, thresholds)}`} data-testid="alpha-value">
      {formatAlpha(result.alpha)}
    </span>
  );
}
