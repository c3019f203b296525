/* models/registry.c — the models a run can name, in --help order. Each
 * model's ops table lives in its own folder (models/gmp, models/onethread, models/evloop)
 * and is declared in model.h, so this list is the only place that names
 * them all; nothing here may include a model's own header. */
#include "model.h"
#include <string.h>

const struct model_ops *const model_list[] = { &gmp_model, &threads_model, &pool_model, &evloop_model, NULL };

const struct model_ops *model_find(const char *name)
{
	for (int i = 0; model_list[i]; i++)
		if (strcmp(model_list[i]->name, name) == 0)
			return model_list[i];
	return NULL;
}
