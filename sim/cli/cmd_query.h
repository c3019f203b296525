/* sim/cli/cmd_query.h — `gmpsim query DB [NAME|SQL] [--csv|--json] [--run N]...`:
 * canned reports and read-only SQL over a results database. */
#ifndef GMPSIM_CMD_QUERY_H
#define GMPSIM_CMD_QUERY_H

/* argv[0] is "query". Returns the exit status: 0 ok, 2 bad usage, a
 * missing/damaged/foreign database, an SQL error or a statement that would
 * write. Prints the result on stdout only when the whole query succeeded. */
int cmd_query_main(int argc, char **argv);

#endif
