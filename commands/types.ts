/**
 * A platform-neutral slash command. Each chat adapter turns these into its own
 * form: Discord application commands (deploy script), the Slack app manifest, and
 * the playground's composer hints.
 */

/** An option a command takes. */
export interface CommandOption {
  name: string;
  description: string;
  type: 'string' | 'number' | 'integer';
  required?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  choices?: readonly string[];
  /** A value to show in usage hints and errors, e.g. `200`. */
  example?: string;
}

/** One slash command; `Name` keeps its name as a literal type, so core's table of handlers can be checked. */
export interface CommandDefinition<Name extends string = string> {
  name: Name;
  description: string;
  /** 'channel': anywhere; 'thread': inside a story thread (the story is the thread's). */
  scope: 'channel' | 'thread';
  /** Admin commands are gated twice: by the platform's permissions and by the admin allowlist. */
  admin?: boolean;
  /** Only the person who ran it sees the reply. */
  ephemeral?: boolean;
  options: readonly CommandOption[];
}
