// The run header's status line: why the run is where it is, in the reader's language.
import type { StatusEvent } from '../../api/types';
import type { Language } from '../../i18n';
import { messageText, type MessageCatalog } from '../../i18n/messages';

/** Why the run is where it is: the server's failure reason, else the last status line;
 * in the reader's language where the status event carries that same message's catalog key
 * (a failure reason is stored as the English of the status line that ended the run). */
export function statusLine(failure: string | null, status: StatusEvent | null, lng: Language, catalog: MessageCatalog | null): string {
  const said = status ? { ...status, message: status.message ?? '' } : null;
  if (failure !== null && failure !== '') return said && said.message === failure ? messageText(said, lng, catalog) : failure;
  return said ? messageText(said, lng, catalog) : '';
}
