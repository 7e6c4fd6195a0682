#!/usr/bin/env node
// `npm run -s token [-- <subject>]`: prints a JWT for the example's /api/me (HS256, valid for an hour, subject `ada`
// unless given), signed with JWT_SECRET as `edgeware dev` reads it: from .dev.vars beside wrangler.toml, else the
// committed .dev.vars.example.
//   curl -H "Authorization: Bearer $(npm run -s token)" localhost:8787/api/me
import { fileURLToPath } from 'node:url'
import { SignJWT } from 'jose'
import { loadLocalSecrets } from '../dist/build/environment.js'

const subject = process.argv[2] ?? 'ada'
const { values, file } = loadLocalSecrets(fileURLToPath(new URL('../wrangler.toml', import.meta.url)))
if (!values.JWT_SECRET) {
  console.error(`token: no JWT_SECRET in ${file ?? '.dev.vars or .dev.vars.example'}`)
  process.exit(1)
}
const token = await new SignJWT({ sub: subject }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(values.JWT_SECRET))
console.log(token)
