"""Strategies for the GraphQL schema's custom scalars, which schemathesis cannot guess."""
import graphql
import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# JSONObject: a non-empty object literal with simple values (what createItem and updateItem accept).
_key = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_value = st.one_of(
    st.integers(min_value=-1000, max_value=1000).map(nodes.Int),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20).map(nodes.String),
    st.booleans().map(nodes.Boolean),
)


def _object(fields):
    return nodes.Object([graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in fields.items()])


schemathesis.graphql.scalar("JSONObject", st.dictionaries(_key, _value, min_size=1, max_size=4).map(_object))
# DateTime appears in results only; a strategy keeps the schema loadable.
schemathesis.graphql.scalar("DateTime", st.just("2026-12-01T00:00:00.000Z").map(nodes.String))


@schemathesis.check
def no_internal_error(ctx, response, case):
    """Nothing the client sends may break the server: no 5xx and no INTERNAL_SERVER_ERROR in a GraphQL answer.

    It stands in for schemathesis's not_a_server_error on GraphQL, which is excluded there because it counts every
    resolver error as a server failure, while this API answers a missing item (NOT_FOUND), a stale version (CONFLICT),
    a missing scope (FORBIDDEN) and invalid input (VALIDATION_FAILED) as GraphQL errors with a code, on purpose.
    """
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    try:
        payload = response.json()
    except ValueError:
        return
    if not isinstance(payload, dict):
        return
    for error in payload.get("errors") or []:
        if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR":
            raise AssertionError(f"internal error: {error.get('message')}")
