/**
 * A CPU ray caster for the suite's scenes (no WebGL): one ray per pixel from camera 0 against
 * the visible geoms (planes, spheres, capsules, ellipsoids, cylinders, boxes), shaded with an
 * ambient term, a headlight and a light from above, over a checkered floor and a sky gradient.
 *
 * The camera origin is shared by all rays, so each geom's ray origin in its local frame is
 * computed once per frame and the local ray direction is linear in the pixel coordinates.
 */
import type { Physics } from '../mujoco/physics.js';
import { intersectLocal } from './intersect.js';

/** Geom types (mjtGeom) the renderer draws. */
const PLANE = 0;
const DRAWN = new Set([0, 2, 3, 4, 5, 6]);

/** Light settings in the spirit of the suite's visual defaults. */
const AMBIENT = 0.4;
const HEADLIGHT = 0.8;
const TOP_LIGHT = 0.35;
const SKY_TOP = [0.4, 0.6, 0.8];
const SKY_BOTTOM = [0, 0, 0];
const CHECK_A = [0.1, 0.2, 0.3];
const CHECK_B = [0.2, 0.3, 0.4];
/** Floor checker square size in metres (texture repeats once per metre, 2x2 checks). */
const CHECK_SIZE = 0.5;

interface GeomInfo {
  /** Geom id, or -1 for a tendon segment. */
  index: number;
  type: number;
  size: [number, number, number];
  rgb: [number, number, number];
  checker: boolean;
  rbound: number;
}

/** Renders a Physics instance's camera 0 into RGB uint8 images of any size. */
export class Renderer {
  private readonly geoms: GeomInfo[];
  /** Drawn tendons: [tendon id, index of its first segment item]. */
  private readonly tendons: Array<[number, number]> = [];
  /** Per-frame world poses of all items (geoms then tendon segments). */
  private readonly itemPos: Float64Array;
  private readonly itemMat: Float64Array;
  private readonly fovy: number;
  /** Per-frame scratch: per geom 3 (origin) + 9 (direction basis) + 3 (centre) numbers. */
  private scratch: Float64Array;

  constructor(
    private readonly physics: Physics,
    private readonly camera = 0,
  ) {
    const m = physics.model;
    if (m.ncam <= camera) throw new Error(`model has ${m.ncam} cameras; camera ${camera} missing`);
    this.fovy = ((m.cam_fovy as Float64Array)[camera] * Math.PI) / 180;
    const type = m.geom_type as Int32Array;
    const group = m.geom_group as Int32Array;
    const matid = m.geom_matid as Int32Array;
    const size = m.geom_size as Float64Array;
    const rbound = m.geom_rbound as Float64Array;
    const geomRgba = m.geom_rgba as Float32Array;
    const matRgba = m.mat_rgba as Float32Array;
    const matTex = m.mat_texid as Int32Array;
    const texStride = matTex.length / Math.max(1, m.nmat);
    this.geoms = [];
    for (let g = 0; g < m.ngeom; g++) {
      if (!DRAWN.has(type[g]) || group[g] > 2) continue;
      const mat = matid[g];
      const rgba =
        mat >= 0 ? matRgba.subarray(4 * mat, 4 * mat + 4) : geomRgba.subarray(4 * g, 4 * g + 4);
      if (rgba[3] === 0) continue;
      let textured = false;
      if (mat >= 0)
        for (let k = 0; k < texStride; k++) if (matTex[mat * texStride + k] >= 0) textured = true;
      this.geoms.push({
        index: g,
        type: type[g],
        size: [size[3 * g], size[3 * g + 1], size[3 * g + 2]],
        rgb: [rgba[0], rgba[1], rgba[2]],
        checker: textured && type[g] === PLANE,
        rbound: rbound[g],
      });
    }
    // Tendons with a width are drawn as capsules between consecutive path points (the
    // ball_in_cup string). Only site-to-site paths are supported, one segment per site pair.
    const tWidth = m.tendon_width as Float64Array;
    const tRgba = m.tendon_rgba as Float32Array;
    const tNum = m.tendon_num as Int32Array;
    for (let t = 0; t < m.ntendon; t++) {
      if (!(tWidth[t] > 0) || tRgba[4 * t + 3] === 0) continue;
      this.tendons.push([t, this.geoms.length]);
      for (let k = 0; k < tNum[t] - 1; k++) {
        this.geoms.push({
          index: -1,
          type: 3,
          size: [tWidth[t], 0, 0],
          rgb: [tRgba[4 * t], tRgba[4 * t + 1], tRgba[4 * t + 2]],
          checker: false,
          rbound: 0,
        });
      }
    }
    this.itemPos = new Float64Array(3 * this.geoms.length);
    this.itemMat = new Float64Array(9 * this.geoms.length);
    this.scratch = new Float64Array(this.geoms.length * 15);
  }

  /** Refreshes geom sizes from the model (tasks may change them between episodes). */
  refreshSizes(): void {
    const size = this.physics.v.geomSize;
    for (const g of this.geoms) {
      if (g.index < 0) continue;
      g.size = [size[3 * g.index], size[3 * g.index + 1], size[3 * g.index + 2]];
    }
  }

  /** Copies geom poses and builds tendon-segment poses for this frame. */
  private gatherPoses(): void {
    const v = this.physics.v;
    const pos = this.itemPos;
    const mat = this.itemMat;
    this.geoms.forEach((g, k) => {
      if (g.index < 0) return;
      pos.set(v.geomXpos.subarray(3 * g.index, 3 * g.index + 3), 3 * k);
      mat.set(v.geomXmat.subarray(9 * g.index, 9 * g.index + 9), 9 * k);
    });
    if (this.tendons.length === 0) return;
    const d = this.physics.data;
    const adr = d.ten_wrapadr as Int32Array;
    const wrapX = d.wrap_xpos as Float64Array;
    for (const [t, first] of this.tendons) {
      const n = (d.ten_wrapnum as Int32Array)[t];
      for (let k = 0; k + 1 < n; k++) {
        const a = 3 * (adr[t] + k);
        const b = a + 3;
        segmentPose(wrapX, a, b, first + k, pos, mat, this.geoms[first + k]);
      }
    }
  }

  /** Renders `height` x `width` x 3 uint8 RGB (row 0 at the top). */
  render(width = 64, height = width, out?: Uint8Array): Uint8Array {
    if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
      throw new Error(`render size must be positive integers, got ${width}x${height}`);
    }
    const image = out ?? new Uint8Array(width * height * 3);
    if (image.length !== width * height * 3) {
      throw new Error(
        `output buffer has ${image.length} bytes; ${width}x${height}x3 needs ${width * height * 3}`,
      );
    }
    const v = this.physics.v;
    const c = this.camera;
    const cp = [v.camXpos[3 * c], v.camXpos[3 * c + 1], v.camXpos[3 * c + 2]];
    const cm = v.camXmat.subarray(9 * c, 9 * c + 9);
    // Camera axes in world: columns of the rotation matrix; it looks along -z.
    const ax = [cm[0], cm[3], cm[6]];
    const ay = [cm[1], cm[4], cm[7]];
    const az = [cm[2], cm[5], cm[8]];
    const tanHalf = Math.tan(this.fovy / 2);
    const aspect = width / height;

    const geoms = this.geoms;
    const ng = geoms.length;
    const s = this.scratch;
    const gx = this.itemPos;
    const gm = this.itemMat;
    this.gatherPoses();
    for (let k = 0; k < ng; k++) {
      const px = gx[3 * k] - cp[0];
      const py = gx[3 * k + 1] - cp[1];
      const pz = gx[3 * k + 2] - cp[2];
      const R = gm.subarray(9 * k, 9 * k + 9);
      const o = 15 * k;
      // local origin = R^T (cam - p)
      s[o] = -(R[0] * px + R[3] * py + R[6] * pz);
      s[o + 1] = -(R[1] * px + R[4] * py + R[7] * pz);
      s[o + 2] = -(R[2] * px + R[5] * py + R[8] * pz);
      // local images of -az, ax, ay
      for (let a = 0; a < 3; a++) {
        s[o + 3 + a] = -(R[a] * az[0] + R[3 + a] * az[1] + R[6 + a] * az[2]);
        s[o + 6 + a] = R[a] * ax[0] + R[3 + a] * ax[1] + R[6 + a] * ax[2];
        s[o + 9 + a] = R[a] * ay[0] + R[3 + a] * ay[1] + R[6 + a] * ay[2];
      }
      s[o + 12] = px;
      s[o + 13] = py;
      s[o + 14] = pz;
    }

    const hit = new Float64Array(4); // t, nx, ny, nz (local normal)
    let p = 0;
    for (let i = 0; i < height; i++) {
      const sy = (1 - (2 * (i + 0.5)) / height) * tanHalf;
      for (let j = 0; j < width; j++) {
        const sx = ((2 * (j + 0.5)) / width - 1) * tanHalf * aspect;
        // world direction (unnormalised): -az + sx ax + sy ay
        const dx = -az[0] + sx * ax[0] + sy * ay[0];
        const dy = -az[1] + sx * ax[1] + sy * ay[1];
        const dz = -az[2] + sx * ax[2] + sy * ay[2];
        const dd = dx * dx + dy * dy + dz * dz;
        let best = Number.POSITIVE_INFINITY;
        let bestK = -1;
        let bnx = 0;
        let bny = 0;
        let bnz = 0;
        for (let k = 0; k < ng; k++) {
          const o = 15 * k;
          const info = geoms[k];
          if (info.type !== PLANE) {
            // bounding-sphere rejection in world space
            const cx = s[o + 12];
            const cy = s[o + 13];
            const cz = s[o + 14];
            const tc = (cx * dx + cy * dy + cz * dz) / dd;
            const qx = cx - tc * dx;
            const qy = cy - tc * dy;
            const qz = cz - tc * dz;
            const rb = info.rbound;
            if (qx * qx + qy * qy + qz * qz > rb * rb) continue;
          }
          const ldx = s[o + 3] + sx * s[o + 6] + sy * s[o + 9];
          const ldy = s[o + 4] + sx * s[o + 7] + sy * s[o + 10];
          const ldz = s[o + 5] + sx * s[o + 8] + sy * s[o + 11];
          if (
            intersectLocal(info.type, info.size, s[o], s[o + 1], s[o + 2], ldx, ldy, ldz, best, hit)
          ) {
            best = hit[0];
            bestK = k;
            bnx = hit[1];
            bny = hit[2];
            bnz = hit[3];
          }
        }
        const inv = 1 / Math.sqrt(dd);
        let r: number;
        let gC: number;
        let b: number;
        if (bestK < 0) {
          // sky: blend by elevation angle of the ray
          const t = 0.5 + Math.asin(Math.max(-1, Math.min(1, dz * inv))) / Math.PI;
          r = SKY_BOTTOM[0] + (SKY_TOP[0] - SKY_BOTTOM[0]) * t;
          gC = SKY_BOTTOM[1] + (SKY_TOP[1] - SKY_BOTTOM[1]) * t;
          b = SKY_BOTTOM[2] + (SKY_TOP[2] - SKY_BOTTOM[2]) * t;
        } else {
          const info = geoms[bestK];
          // world normal = R * local normal
          const R = gm.subarray(9 * bestK, 9 * bestK + 9);
          let nx = R[0] * bnx + R[1] * bny + R[2] * bnz;
          let ny = R[3] * bnx + R[4] * bny + R[5] * bnz;
          let nz = R[6] * bnx + R[7] * bny + R[8] * bnz;
          const nl = 1 / Math.sqrt(nx * nx + ny * ny + nz * nz);
          nx *= nl;
          ny *= nl;
          nz *= nl;
          let cosView = -(nx * dx + ny * dy + nz * dz) * inv;
          if (cosView < 0) cosView = -cosView;
          const shade = AMBIENT + HEADLIGHT * cosView + TOP_LIGHT * Math.max(0, nz);
          let base = info.rgb;
          if (info.checker) {
            const o = 15 * bestK;
            const lx = s[o] + best * (s[o + 3] + sx * s[o + 6] + sy * s[o + 9]);
            const ly = s[o + 1] + best * (s[o + 4] + sx * s[o + 7] + sy * s[o + 10]);
            const odd = (Math.floor(lx / CHECK_SIZE) + Math.floor(ly / CHECK_SIZE)) & 1;
            base = (odd ? CHECK_B : CHECK_A) as [number, number, number];
          }
          r = base[0] * shade;
          gC = base[1] * shade;
          b = base[2] * shade;
        }
        image[p++] = r >= 1 ? 255 : Math.round(r * 255);
        image[p++] = gC >= 1 ? 255 : Math.round(gC * 255);
        image[p++] = b >= 1 ? 255 : Math.round(b * 255);
      }
    }
    return image;
  }
}

/** Pose of a capsule from point a to point b (wrap_xpos offsets): centre, z along the segment. */
function segmentPose(
  x: Float64Array,
  a: number,
  b: number,
  item: number,
  pos: Float64Array,
  mat: Float64Array,
  info: GeomInfo,
): void {
  const dx = x[b] - x[a];
  const dy = x[b + 1] - x[a + 1];
  const dz = x[b + 2] - x[a + 2];
  const len = Math.hypot(dx, dy, dz) || 1e-9;
  const zx = dx / len;
  const zy = dy / len;
  const zz = dz / len;
  // any unit vector orthogonal to z, then y = z x x
  let xx = -zy;
  let xy = zx;
  let xz = 0;
  if (Math.abs(zz) > 0.9) {
    xx = 0;
    xy = -zz;
    xz = zy;
  }
  const xl = Math.hypot(xx, xy, xz);
  xx /= xl;
  xy /= xl;
  xz /= xl;
  const yx = zy * xz - zz * xy;
  const yy = zz * xx - zx * xz;
  const yz = zx * xy - zy * xx;
  pos[3 * item] = (x[a] + x[b]) / 2;
  pos[3 * item + 1] = (x[a + 1] + x[b + 1]) / 2;
  pos[3 * item + 2] = (x[a + 2] + x[b + 2]) / 2;
  // row-major rotation with columns x, y, z
  mat.set([xx, yx, zx, xy, yy, zy, xz, yz, zz], 9 * item);
  info.size[1] = len / 2;
  info.rbound = len / 2 + info.size[0];
}
