/* api_doc.c - the query parameters of every route, taken from the one
 * option table, for docs/api.md and docs/dashboard.md (`ampel doc api`,
 * scripts/gen-api-doc; tests/run_docs_api.sh keeps them in step). */
#include "server.h"

const srv_route_doc srv_route_docs[] = {
    {"/", srv_overview_ids, &srv_n_overview_ids},
    {"/gebiet/SCHLÜSSEL", srv_gebiet_ids, &srv_n_gebiet_ids},
    {"/kennzahl/SCHLÜSSEL", srv_kennzahl_ids, &srv_n_kennzahl_ids},
    {"/wechselwirkungen", srv_wechsel_ids, &srv_n_wechsel_ids},
    {"/bedarf", srv_bedarf_ids, &srv_n_bedarf_ids},
    {"/api/v1/lights", srv_lights_ids, &srv_n_lights_ids},
    {"/api/v1/heatmap", srv_heatmap_ids, &srv_n_heatmap_ids},
    {"/api/v1/index", srv_index_ids, &srv_n_index_ids},
    {"/api/v1/allocation", srv_allocation_ids, &srv_n_allocation_ids},
    {"/api/v1/correlations", srv_correlations_ids, &srv_n_correlations_ids},
    {"/api/v1/lisa", srv_lisa_ids, &srv_n_lisa_ids},
};
const size_t srv_n_route_docs =
    sizeof srv_route_docs / sizeof srv_route_docs[0];
