// Electron's fuses for the packaged app, flipped in the Electron binary after
// packaging (electron-builder's `afterPack` hook, or by hand:
// `node scripts/electron-fuses.mjs path/to/irqscope-binary`). They switch off what
// would let anyone with a shell turn the signed app into a general Node runtime or
// debug it (RunAsNode, NODE_OPTIONS, --inspect), make it load only its own asar
// (checked against its integrity hash), encrypt its cookies, and take away the
// extra privileges of file:// (the renderer comes from irqscope-app://).
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const FUSE_CONFIG = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: false,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** Where electron-builder put the Electron binary of a packed app. */
export function packedBinary(context) {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(context.appOutDir, `${name}.app`);
    case 'win32':
      return join(context.appOutDir, `${name}.exe`);
    default:
      return join(context.appOutDir, context.packager.executableName ?? name);
  }
}

export async function setFuses(binary) {
  await flipFuses(binary, { ...FUSE_CONFIG, resetAdHocDarwinSignature: binary.endsWith('.app') });
}

/** electron-builder's afterPack hook. */
export default async function afterPack(context) {
  await setFuses(packedBinary(context));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const binary = process.argv[2];
  if (binary === undefined) {
    process.stderr.write('usage: node scripts/electron-fuses.mjs PATH-TO-ELECTRON-BINARY\n');
    process.exit(2);
  }
  await setFuses(binary);
  process.stdout.write(`fuses set in ${binary}\n`);
}
