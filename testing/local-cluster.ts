/**
 * A throwaway single-node Slurm cluster for the integration test: munged (as the munge user, on
 * its own socket under /run/munge), slurmctld and `slurmd -N localhost`, all in the foreground as
 * children of this process with a minimal slurm.conf in a temporary directory — addresses
 * 127.0.0.1, free ports, no accounting, proctrack/linuxproc, task/none, select/cons_tres, the
 * node sized as `slurmd -C` finds this machine. `stop()` ends exactly these daemons, by PID.
 * Needs root and the Debian packages slurmctld, slurmd, slurm-client and munge.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SBIN = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const PROGRAMS = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch', 'scancel', 'sinfo', 'squeue'] as const;
const MUNGE_KEY = '/etc/munge/munge.key';

type Program = (typeof PROGRAMS)[number];

function locate(name: string): string | undefined {
  return [...(process.env.PATH ?? '').split(':'), ...SBIN].map((d) => join(d, name)).find(existsSync);
}

/** Why this machine cannot host the cluster, or null when it can. */
export function clusterUnavailable(): string | null {
  const missing = PROGRAMS.filter((p) => !locate(p));
  if (missing.length) return `not installed: ${missing.join(', ')} (Debian packages slurmctld slurmd slurm-client munge)`;
  if (process.getuid?.() !== 0) return 'slurmd and munged need root';
  return null;
}

export interface LocalCluster {
  /** Environment for the client commands (sbatch, scancel, …): SLURM_CONF points at this cluster. */
  env: NodeJS.ProcessEnv;
  /** Cancels every job left on the cluster, then stops the daemons started here. */
  stop(): Promise<void>;
}

function path(p: Program): string {
  const found = locate(p);
  if (!found) throw new Error(`${p} is not installed`);
  return found;
}

/** A port nothing listens on right now (the OS's choice), for a daemon to bind a moment later. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid), gid: Number(gid) };
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number, logs: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) {
      const tails = logs.filter(existsSync).map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`);
      throw new Error(`local Slurm cluster: ${what} not reached within ${timeoutMs / 1000} s\n${tails.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startLocalCluster(dir: string): Promise<LocalCluster> {
  const daemons: ChildProcess[] = [];
  mkdirSync(dir, { recursive: true, mode: 0o755 }); // slurmd and the jobs read the config
  const munge = await userIds('munge');
  // munged checks that its socket directory belongs to it; one of our own keeps a system munged
  // (if any) untouched.
  mkdirSync('/run/munge', { recursive: true, mode: 0o755 });
  chownSync('/run/munge', munge.uid, munge.gid);
  const mungeDir = `/run/munge/alloc-bench-test-${process.pid}`;
  mkdirSync(mungeDir, { recursive: true, mode: 0o755 });
  chownSync(mungeDir, munge.uid, munge.gid);
  if (!existsSync(MUNGE_KEY)) await run(path('mungekey'), ['--create', `--keyfile=${MUNGE_KEY}`], { uid: munge.uid, gid: munge.gid });

  const logs: string[] = [];
  const start = (name: string, program: Program, args: string[], ids?: { uid: number; gid: number }) => {
    const log = join(dir, `${name}.out`);
    logs.push(log);
    const fd = openSync(log, 'a');
    const child = spawn(path(program), args, { stdio: ['ignore', fd, fd], ...ids });
    closeSync(fd);
    daemons.push(child);
    return child;
  };
  const stop = async () => {
    if (existsSync(join(dir, 'slurm.conf'))) {
      await run(path('scancel'), ['--user', 'root', '--full'], { env: clusterEnv }).catch(() => {});
      await waitFor('an empty queue', async () => (await run(path('squeue'), ['-h'], { env: clusterEnv }).catch(() => ({ stdout: '' }))).stdout.trim() === '', 20_000, logs).catch(() => {});
    }
    // Reverse order of start: slurmd, slurmctld, munged.
    for (const child of daemons.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(mungeDir, { recursive: true, force: true });
  };

  const socket = join(mungeDir, 'munge.socket');
  const clusterEnv: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: join(dir, 'slurm.conf') };
  try {
    start('munged', 'munged', [
      '--foreground', `--socket=${socket}`, `--key-file=${MUNGE_KEY}`, `--pid-file=${mungeDir}/munged.pid`,
      `--log-file=${mungeDir}/munged.log`, `--seed-file=${mungeDir}/munged.seed`,
    ], munge);
    await waitFor('the munge socket', async () => existsSync(socket), 20_000, logs);

    // The node as slurmd finds it (CPUs, sockets, cores, threads, memory), named localhost.
    const { stdout: detected } = await run(path('slurmd'), ['-C']);
    const node = detected.split('\n')[0].replace(/^NodeName=\S+/, 'NodeName=localhost NodeAddr=127.0.0.1');
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    for (const d of ['state', 'spool']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'slurm.conf'), [
      'ClusterName=allocbenchtest',
      'SlurmctldHost=localhost(127.0.0.1)',
      'SlurmUser=root',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'MailProg=/bin/true',
      node,
      'PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'));
    const conf = join(dir, 'slurm.conf');
    start('slurmctld', 'slurmctld', ['-D', '-f', conf]);
    start('slurmd', 'slurmd', ['-D', '-N', 'localhost', '-f', conf]);
    logs.push(join(dir, 'slurmctld.log'), join(dir, 'slurmd.log'));
    const nodeState = async () => (await run(path('sinfo'), ['-h', '-N', '-o', '%T'], { env: clusterEnv }).catch(() => ({ stdout: '' }))).stdout.trim();
    await waitFor('an idle node', async () => (await nodeState()) === 'idle', 60_000, logs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: clusterEnv, stop };
}
