/** A qtest line irqscope cannot run as given: the session answers `FAIL <command>: <message>` and changes nothing. */
export class QtestInputError extends Error {}
