/// <reference lib="webworker" />
import type { BackendName, BackendProbe } from '../engine/backend';
import { engineMessage } from '../engine/errors';

/** A backend this browser cannot run: what it lacks, as a code the page words. */
const lacks = (feature: 'webgpu' | 'webgpuAdapter' | 'offscreenCanvas' | 'webgl2' | 'webassembly'): BackendProbe => ({
  available: false,
  detail: '',
  problem: engineMessage('backend.missingFeature', { feature }),
});

/** Minimal WebGPU typing: only what the probe reads (the full types are not needed in this project). */
interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

async function probeWebGpu(): Promise<BackendProbe> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return lacks('webgpu');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return lacks('webgpuAdapter');
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const software = Boolean(adapter.isFallbackAdapter || info.isFallbackAdapter || /swiftshader/i.test(name));
  return { available: true, software, detail: name };
}

function probeWebGl(): BackendProbe {
  if (typeof OffscreenCanvas === 'undefined') return lacks('offscreenCanvas');
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
  if (!gl) return lacks('webgl2');
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = /swiftshader|llvmpipe|software/i.test(renderer);
  return { available: true, software, detail: renderer };
}

function probeWasm(): BackendProbe {
  if (typeof WebAssembly === 'undefined') return lacks('webassembly');
  const threads = self.crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined';
  return { available: true, detail: threads ? 'SIMD, threads (cross-origin isolated)' : 'SIMD, no threads (page is not cross-origin isolated)' };
}

/** Looks at what the device offers before TF.js starts a backend. */
export async function probeBackend(name: BackendName): Promise<BackendProbe> {
  switch (name) {
    case 'webgpu':
      return probeWebGpu();
    case 'webgl':
      return probeWebGl();
    case 'wasm':
      return probeWasm();
    case 'cpu':
      return { available: true, detail: 'plain JavaScript' };
  }
}
