import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { ROLES, type Role } from '../access/roles.js';
import { currentUser, formatTime } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

/** A password typed without echo on a terminal, or the first line of stdin otherwise. */
async function readPassword(): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) text += chunk;
    return text.split(/\r?\n/)[0];
  }
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const prompt = createInterface({ input, output, terminal: true });
  try {
    const ask = async (question: string) => {
      process.stdout.write(question);
      muted = true;
      const answer = await prompt.question('');
      muted = false;
      process.stdout.write('\n');
      return answer;
    };
    const password = await ask('Password: ');
    if ((await ask('Again: ')) !== password) throw new Error('The two passwords differ.');
    return password;
  } finally {
    prompt.close();
  }
}

const add = configurableCommand('add', 'Add a person who logs in at /login', [
  '<name>',
  'user name',
])
  .addOption(
    new Option('--role <role>', 'what they may do').choices([...ROLES]).makeOptionMandatory(),
  )
  .addHelpText(
    'after',
    '\nThe password is asked for (not echoed), or read from stdin when it is not a terminal.',
  )
  .option('--json', 'print JSON')
  .action(async (name: string, overrides: string[], options: { role: Role; json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const password = await readPassword();
    const user = await withRuntime(config, ({ access }) =>
      access.addUser({ name, role: options.role, password }, currentUser()),
    );
    if (options.json) return printJson(user);
    console.log(`Added ${user.name} (${user.role}); they log in at /login.`);
  });

const list = configurableCommand('list', 'List users')
  .option('--json', 'print JSON')
  .action(async (overrides: string[], options: { json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const users = await withRuntime(config, ({ access }) => access.listUsers());
    if (options.json) return printJson(users);
    if (users.length === 0) return console.log('No users yet (`sdp users add`).');
    console.log(
      formatTable(
        ['NAME', 'ROLE', 'CREATED', 'BY'],
        users.map((u) => [u.name, u.role, formatTime(u.createdAt), u.createdBy]),
      ),
    );
  });

const remove = configurableCommand('remove', 'Remove a user (and end their sessions)', [
  '<name>',
  'user name',
]).action(async (name: string, overrides: string[]) => {
  const { config } = loadCliConfig(overrides);
  await withRuntime(config, ({ access }) => access.removeUser(name, currentUser()));
  console.log(`Removed ${name}.`);
});

/** `sdp users`: people who log in to the browser pages (console, queue board). */
export const usersCommand = new Command('users')
  .description('Users of the browser pages: add, list, remove')
  .addCommand(add)
  .addCommand(list)
  .addCommand(remove);
