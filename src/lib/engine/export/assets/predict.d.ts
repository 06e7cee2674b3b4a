/** Types of predict.js (the exported bundle's module), for TypeScript callers and the unit tests. */
import type { ModelCard } from '../../runs/record';

export type RawRow = Record<string, string | number | null | undefined> | (string | number | null | undefined)[];
export interface RowOptions {
  unknownCategories?: 'throw' | 'zeros';
}
export type Prediction = { label: string; index: number; probabilities: Record<string, number> } | { value: number };
export interface PixelSource {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/** The `code` of every Error predict.js throws; `params` holds the values its message names (README.md lists them). */
export type PredictErrorCode =
  | 'missingField' | 'missingValue' | 'notANumber' | 'unknownCategory' | 'rowLength' | 'noHeader' | 'rowType'
  | 'notTable' | 'notImage' | 'imageSize' | 'noPixels' | 'pixelCount' | 'noTf' | 'cardUnreadable';
export interface PredictError extends Error {
  code: PredictErrorCode;
  params: Record<string, string | number | string[]>;
}

export function parseNumber(value: unknown): number;
export function rowToInput(card: ModelCard, row: RawRow, options?: RowOptions): Float32Array;
export function resizeSquare(rgba: ArrayLike<number>, width: number, height: number, size: number): Uint8ClampedArray;
export function rgbaToPixels(card: ModelCard, pixels: PixelSource): Uint8ClampedArray;
export function pixelsToInput(card: ModelCard, pixels: PixelSource | ArrayLike<number>): Float32Array;
export function outputToPrediction(card: ModelCard, values: ArrayLike<number>): Prediction;

export interface DescentModel {
  card: ModelCard;
  model: unknown;
  folder: string;
  columns: NonNullable<ModelCard['dataset']['preprocessing']['columns']>;
  inputVector(row: RawRow, options?: RowOptions): Float32Array;
  predictRow(row: RawRow, options?: RowOptions): Promise<Prediction>;
  predictBatch(rows: RawRow[], options?: RowOptions): Promise<Prediction[]>;
  imagePixels(source: PixelSource | ArrayLike<number> | object): ArrayLike<number>;
  predictImage(source: PixelSource | ArrayLike<number> | object): Promise<Prediction>;
  predictInput(x: Float32Array): Promise<Prediction>;
  dispose(): void;
}

export function loadDescentModel(
  base?: string | URL,
  options?: { tf?: unknown; fetch?: (url: string, init?: unknown) => Promise<Response> },
): Promise<DescentModel>;
