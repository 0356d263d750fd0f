// Baseline for the stage benchmark: the same renderer settings as the stage page (1280x720,
// antialias off, pixel ratio 1) drawing an empty three.js scene. Frames are counted the same way.

import * as THREE from 'three';
import { FrameStats } from './stats.ts';

const renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance' });
renderer.setPixelRatio(1);
renderer.setSize(1280, 720, false);
document.body.appendChild(renderer.domElement);
const scene = new THREE.Scene();
scene.background = new THREE.Color(0, 0, 0);
const camera = new THREE.PerspectiveCamera(34, 16 / 9, 0.05, 60);
const stats = new FrameStats();
function frame(now: number): void {
  requestAnimationFrame(frame);
  stats.tick(now);
  renderer.render(scene, camera);
}
requestAnimationFrame(frame);
Object.defineProperty(window, '__holostage', { value: Object.freeze({ state: () => ({ fps: stats.fps, frames: stats.frames, ready: true }) }) });
