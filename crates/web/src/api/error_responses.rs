//! The error answers every operation can give, added to the description in one place.
//!
//! They come from layers in front of the handlers (the route guard, the body limit, the
//! extractors), so no handler lists them itself; a generated client must still know them, and
//! the schema-driven fuzz in `.ci/fuzz-api` fails on any status the description does not list.

use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};

pub struct ErrorResponses;

/// Status and what it means, for every operation.
const ANY: &[(&str, &str)] = &[
    ("401", "not signed in (or the session has ended)"),
    ("403", "refused: the role may not do this, a write without the CSRF token, or a cross-site request"),
    ("404", "not found, or outside the caller's reach"),
    ("422", "a parameter or the body does not parse; the message says which and why"),
];

/// And for every operation that changes something.
const WRITES: &[(&str, &str)] = &[
    ("400", "the body cannot be read at all (e.g. a broken multipart form); the message says so"),
    ("409", "the change contradicts what is stored (e.g. a stale version); the message says what"),
    ("413", "the body is larger than this operation accepts"),
    // The SQLite write lock still held by others after the 30 s wait: nothing was written.
    (
        "503",
        "the database stayed busy with other writes past the wait; nothing was written: try again after Retry-After",
    ),
];

fn add(operation: &mut Operation, answers: &[(&str, &str)]) {
    for (status, description) in answers {
        operation.responses.responses.entry((*status).to_owned()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(*description)
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                    )
                    .build(),
            )
        });
    }
}

impl utoipa::Modify for ErrorResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for (method, operation) in [
                (HttpMethod::Get, item.get.as_mut()),
                (HttpMethod::Post, item.post.as_mut()),
                (HttpMethod::Put, item.put.as_mut()),
                (HttpMethod::Delete, item.delete.as_mut()),
                (HttpMethod::Patch, item.patch.as_mut()),
            ] {
                let Some(operation) = operation else { continue };
                add(operation, ANY);
                if method != HttpMethod::Get {
                    add(operation, WRITES);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_operation_lists_the_errors_in_front_of_it() {
        let doc = crate::routes().openapi();
        let mut seen = 0;
        for (path, item) in &doc.paths.paths {
            for (write, operation) in [
                (false, item.get.as_ref()),
                (true, item.post.as_ref()),
                (true, item.put.as_ref()),
                (true, item.delete.as_ref()),
            ] {
                let Some(operation) = operation else { continue };
                seen += 1;
                let has = |status: &str| operation.responses.responses.contains_key(status);
                for status in ["401", "403", "404", "422"] {
                    assert!(has(status), "{path} does not list {status}");
                }
                if write {
                    assert!(has("400") && has("409") && has("413"), "{path} does not list 400, 409 and 413");
                    assert!(has("503"), "{path} does not list 503 (database busy)");
                }
            }
        }
        assert!(seen > 30, "only {seen} operations described");
    }
}
