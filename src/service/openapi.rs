//! The OpenAPI 3 document of the API, served at `/api/v1/openapi.json` and used by the fuzz
//! run of `ci/api-fuzz.sh`. A test compares its paths with [`super::routes::ROUTES`].

/// The document.
pub const DOCUMENT: &str = include_str!("openapi.json");

#[cfg(test)]
mod tests {
    use super::super::routes::ROUTES;

    #[test]
    fn the_document_describes_exactly_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(super::DOCUMENT).unwrap_or_default();
        let mut described: Vec<(String, String)> = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                described.push((method.clone(), path.clone()));
            }
        }
        described.sort();
        let mut routes: Vec<(String, String)> =
            ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
        routes.sort();
        assert_eq!(described, routes);
    }
}
