/**
 * One training step of PlaNet's conv encoder + decoder (depth 32) as an autoencoder on
 * B x 64x64x3 images with Adam (lr 1e-3, eps 1e-4, clip 1000): forward, backward (conv2d filter
 * and input gradients, conv2dTranspose gradients, dense gradients), clipping and update, loss
 * read back. `--kernels fast|original|both`: @vmbrl/tensor's kernels, tfjs' own where they
 * exist, or both alternately (A, B, A, B) so that background load hits both alike.
 */
import { intFlag } from '../harness.mjs';
import { selectKernels } from './kernels.mjs';

export const description =
  'one train step of the PlaNet conv encoder+decoder (Adam), batch --batch, --kernels fast|original|both';

export async function cases({ tf, Adam, ConvEncoder, ConvDecoder, Rng }, options) {
  const { kernels } = options;
  const batch = intFlag(options, 'batch', 8);
  const backend = tf.getBackend();
  if (!['fast', 'original', 'both'].includes(kernels)) {
    throw new Error(`--kernels must be fast, original or both, got '${kernels}'`);
  }
  const rng = new Rng(1);
  const encoder = new ConvEncoder({ name: 'enc', seed: rng.split('enc').seed32() });
  const decoder = new ConvDecoder(encoder.outDim, { name: 'dec', seed: rng.split('dec').seed32() });
  const vars = [...encoder.trainableVariables(), ...decoder.trainableVariables()];
  const adam = new Adam({ lr: 1e-3, eps: 1e-4, clipNorm: 1000 });
  const images = tf.randomUniform([batch, 64, 64, 3], -0.5, 0.5, 'float32', rng.seed32());
  const loss = () =>
    tf.tidy(() =>
      tf.mean(tf.sum(tf.square(tf.sub(decoder.apply(encoder.apply(images)), images)), [1, 2, 3])),
    );
  const modes = kernels === 'both' ? ['fast', 'original', 'fast', 'original'] : [kernels];
  const list = [];
  for (const mode of modes) {
    list.push({
      name: `forward (B=${batch}, kernels ${mode})`,
      run: () => {
        selectKernels(tf, backend, mode);
        tf.tidy(() => void loss().dataSync());
      },
    });
    list.push({
      name: `train step (B=${batch}, kernels ${mode})`,
      run: () => {
        selectKernels(tf, backend, mode);
        adam.step(loss, vars);
      },
    });
  }
  list[list.length - 1].dispose = () => {
    images.dispose();
    encoder.dispose();
    decoder.dispose();
    adam.dispose();
  };
  return list;
}
