/** What the simulated printer put on paper for one receipt (between two cuts). */
export type PrintedLine =
  | {
      readonly kind: 'text';
      readonly text: string;
      readonly align: 'left' | 'center' | 'right';
      readonly bold: boolean;
      readonly width: number;
      readonly height: number;
    }
  | {
      readonly kind: 'qr';
      readonly data: string;
      readonly moduleSize: number;
      readonly errorCorrection: 'L' | 'M' | 'Q' | 'H';
      readonly align: 'left' | 'center' | 'right';
    };

export interface PrintedReceipt {
  /** 1, 2, 3… per simulator run. */
  readonly number: number;
  readonly lines: readonly PrintedLine[];
  readonly textPath: string;
  readonly pngPath: string;
  readonly pngWidth: number;
  readonly pngHeight: number;
}
