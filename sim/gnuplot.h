/* sim/gnuplot.h — drawing a chart with gnuplot into a file, atomically.
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

/* Renders body to out in format. Returns 0, or -1 with err (gnuplot not
 * found, gnuplot's own error line, or a file error naming the path). */
int gp_render(const char *body, const char *out, enum gp_format format, char *err, size_t errlen);

#endif
