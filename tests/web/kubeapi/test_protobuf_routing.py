"""kubectl's `create <generator>` commands send protobuf bodies; the API routes them to the decoder."""

from tests.web.kubeapi.conftest import Api

PROTOBUF = "application/vnd.kubernetes.protobuf"


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field (wire type 2)."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = field(1, api_version.encode()) + field(2, kind.encode())
    return b"k8s\x00" + field(1, type_meta) + field(2, raw)


def namespace(name: str) -> bytes:
    return envelope("v1", "Namespace", field(1, field(1, name.encode())))


def test_it_creates_from_a_protobuf_body(api: Api) -> None:
    response = api.post("/api/v1/namespaces?fieldManager=kubectl-create&fieldValidation=Strict", namespace("dev"),
                        content_type=PROTOBUF)

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert api.get("/api/v1/namespaces/dev").json()["status"]["phase"] == "Active"


def test_it_answers_409_for_the_second_protobuf_create(api: Api) -> None:
    api.post("/api/v1/namespaces", namespace("dev"), content_type=PROTOBUF)

    response = api.post("/api/v1/namespaces", namespace("dev"), content_type=PROTOBUF)

    assert response.status_code == 409
    assert response.json()["message"] == 'namespaces "dev" already exists'


def test_it_answers_400_for_protobuf_garbage(api: Api) -> None:
    response = api.post("/api/v1/namespaces", b"k8s\x00\xff\xff\xff", content_type=PROTOBUF)

    assert response.status_code == 400
