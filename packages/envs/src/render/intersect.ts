/**
 * Ray / primitive intersection in a geom's local frame (MuJoCo conventions: capsules and
 * cylinders along local z with half-length size[1]; planes are z = 0 facing +z with half-extents
 * size[0], size[1], 0 meaning unbounded). The ray is o + t d with d not necessarily unit length.
 */

const EPS = 1e-9;

/**
 * Nearest intersection with t in (EPS, tmax). On a hit writes [t, nx, ny, nz] (local normal,
 * not normalised) into `hit` and returns true.
 */
export function intersectLocal(
  type: number,
  size: readonly number[],
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tmax: number,
  hit: Float64Array,
): boolean {
  switch (type) {
    case 0:
      return plane(size, ox, oy, oz, dx, dy, dz, tmax, hit);
    case 2:
      return sphere(size[0], ox, oy, oz, dx, dy, dz, tmax, hit);
    case 3:
      return capsule(size[0], size[1], ox, oy, oz, dx, dy, dz, tmax, hit);
    case 4:
      return ellipsoid(size, ox, oy, oz, dx, dy, dz, tmax, hit);
    case 5:
      return cylinder(size[0], size[1], ox, oy, oz, dx, dy, dz, tmax, hit);
    case 6:
      return box(size, ox, oy, oz, dx, dy, dz, tmax, hit);
    default:
      return false;
  }
}

function plane(
  size: readonly number[],
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tmax: number,
  hit: Float64Array,
): boolean {
  // Only the front face (+z) is drawn, as in MuJoCo.
  if (dz >= 0 || oz <= 0) return false;
  const t = -oz / dz;
  if (t <= EPS || t >= tmax) return false;
  const x = ox + t * dx;
  const y = oy + t * dy;
  if (size[0] > 0 && Math.abs(x) > size[0]) return false;
  if (size[1] > 0 && Math.abs(y) > size[1]) return false;
  hit[0] = t;
  hit[1] = 0;
  hit[2] = 0;
  hit[3] = 1;
  return true;
}

/** Sphere of radius r centred at (cx, cy, cz). */
function sphereAt(
  r: number,
  cx: number,
  cy: number,
  cz: number,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tmax: number,
  hit: Float64Array,
): boolean {
  const px = ox - cx;
  const py = oy - cy;
  const pz = oz - cz;
  const a = dx * dx + dy * dy + dz * dz;
  const b = px * dx + py * dy + pz * dz;
  const c = px * px + py * py + pz * pz - r * r;
  const disc = b * b - a * c;
  if (disc < 0) return false;
  const sq = Math.sqrt(disc);
  let t = (-b - sq) / a;
  if (t <= EPS) t = (-b + sq) / a;
  if (t <= EPS || t >= tmax) return false;
  hit[0] = t;
  hit[1] = px + t * dx;
  hit[2] = py + t * dy;
  hit[3] = pz + t * dz;
  return true;
}

function sphere(
  r: number,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tmax: number,
  hit: Float64Array,
): boolean {
  return sphereAt(r, 0, 0, 0, ox, oy, oz, dx, dy, dz, tmax, hit);
}

/** Side of the cylinder x^2 + y^2 = r^2 with |z| <= h. */
function tube(
  r: number,
  h: number,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tmax: number,
  hit: Float64Array,
): boolean {
  const a = dx * dx + dy * dy;
  if (a < 1e-18) return false;
  const b = ox * dx + oy * dy;
  const c = ox * ox + oy * oy - r * r;
  const disc = b * b - a * c;
  if (disc < 0) return false;
  const sq = Math.sqrt(disc);
  for (let k = 0; k < 2; k++) {
    const t = (k === 0 ? -b - sq : -b + sq) / a;
    if (t <= EPS || t >= tmax) continue;
    const z = oz + t * dz;
    if (z > h || z < -h) continue;
    hit[0] = t;
    hit[1] = ox + t * dx;
    hit[2] = oy + t * dy;
    hit[3] = 0;
    return true;
  }
  return false;
}

function capsule(
  r: number,
  h: number,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tmax: number,
  hit: Float64Array,
): boolean {
  let found = false;
  if (tube(r, h, ox, oy, oz, dx, dy, dz, tmax, hit)) {
    found = true;
    tmax = hit[0];
  }
  if (sphereAt(r, 0, 0, h, ox, oy, oz, dx, dy, dz, tmax, hit)) {
    found = true;
    tmax = hit[0];
  }
  if (sphereAt(r, 0, 0, -h, ox, oy, oz, dx, dy, dz, tmax, hit)) found = true;
  return found;
}

function cylinder(
  r: number,
  h: number,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tmax: number,
  hit: Float64Array,
): boolean {
  let found = false;
  if (tube(r, h, ox, oy, oz, dx, dy, dz, tmax, hit)) {
    found = true;
    tmax = hit[0];
  }
  if (Math.abs(dz) > 1e-18) {
    for (let k = 0; k < 2; k++) {
      const zc = k === 0 ? h : -h;
      const t = (zc - oz) / dz;
      if (t <= EPS || t >= tmax) continue;
      const x = ox + t * dx;
      const y = oy + t * dy;
      if (x * x + y * y > r * r) continue;
      hit[0] = t;
      hit[1] = 0;
      hit[2] = 0;
      hit[3] = zc > 0 ? 1 : -1;
      tmax = t;
      found = true;
    }
  }
  return found;
}

function ellipsoid(
  size: readonly number[],
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tmax: number,
  hit: Float64Array,
): boolean {
  const [a, b, c] = size;
  if (!sphereAt(1, 0, 0, 0, ox / a, oy / b, oz / c, dx / a, dy / b, dz / c, tmax, hit))
    return false;
  // normal of x^2/a^2 + ... at the hit point: (x/a^2, y/b^2, z/c^2) = (u/a, v/b, w/c)
  hit[1] /= a;
  hit[2] /= b;
  hit[3] /= c;
  return true;
}

function box(
  size: readonly number[],
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tmax: number,
  hit: Float64Array,
): boolean {
  let tNear = Number.NEGATIVE_INFINITY;
  let tFar = Number.POSITIVE_INFINITY;
  let axis = -1;
  let sign = 0;
  const o = [ox, oy, oz];
  const d = [dx, dy, dz];
  for (let k = 0; k < 3; k++) {
    const s = size[k];
    if (Math.abs(d[k]) < 1e-18) {
      if (o[k] < -s || o[k] > s) return false;
      continue;
    }
    let t1 = (-s - o[k]) / d[k];
    let t2 = (s - o[k]) / d[k];
    let sg = -1;
    if (t1 > t2) {
      const tmp = t1;
      t1 = t2;
      t2 = tmp;
      sg = 1;
    }
    if (t1 > tNear) {
      tNear = t1;
      axis = k;
      sign = sg;
    }
    if (t2 < tFar) tFar = t2;
    if (tNear > tFar) return false;
  }
  if (tNear <= EPS || tNear >= tmax || axis < 0) return false;
  hit[0] = tNear;
  hit[1] = axis === 0 ? sign : 0;
  hit[2] = axis === 1 ? sign : 0;
  hit[3] = axis === 2 ? sign : 0;
  return true;
}
