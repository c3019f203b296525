/* sim/study/gnuplot.h — drawing a chart with gnuplot into a file, atomically.
 *
 * The caller writes the chart as a gnuplot script body (data inline as
 * here-documents, `$D0 << EOD`); gp_render adds the terminal and output,
 * runs gnuplot ($GMPSIM_GNUPLOT, else `gnuplot` on PATH) on it and renames
 * the finished file over the target. A missing or failing gnuplot leaves
 * the target untouched and says why in one line.
 */
#ifndef GMPSIM_GNUPLOT_H
#define GMPSIM_GNUPLOT_H
#include <stddef.h>

enum gp_format { GP_SVG, GP_PNG };
enum { GP_ERR_GNUPLOT = -1, GP_ERR_OUTPUT = -2 };

/* Renders body to out in format. Returns 0; GP_ERR_OUTPUT with err when
 * no file can be created beside out (a bad -o); GP_ERR_GNUPLOT with err
 * when gnuplot is missing or fails (its own error line) or the finished
 * file cannot be renamed. */
int gp_render(const char *body, const char *out, enum gp_format format, char *err, size_t errlen);

#endif
