#!/usr/bin/env python3
"""Build a multi-platform index in a local registry for nook's tests.

multi REGISTRY REPO AMD64_TAG INDEX_TAG
  Uploads a small linux/arm64 image (one layer holding /arch = "arm64") and
  an OCI index listing it before the existing amd64 manifest AMD64_TAG, tagged
  INDEX_TAG. Prints the index digest.
"""
import gzip
import hashlib
import io
import json
import sys
import tarfile
import urllib.request


def req(method, url, data=None, headers=None):
    r = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(r) as resp:
        return resp.status, dict(resp.headers), resp.read()


def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def put_blob(base, repo, data):
    d = digest(data)
    _, h, _ = req("POST", f"{base}/v2/{repo}/blobs/uploads/")
    loc = h["Location"]
    if loc.startswith("/"):
        loc = base + loc
    sep = "&" if "?" in loc else "?"
    req("PUT", f"{loc}{sep}digest={d}", data, {"Content-Type": "application/octet-stream"})
    return d


def main():
    _, reg, repo, amd64_tag, index_tag = sys.argv[1:6]
    base = "http://" + reg
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        data = b"arm64\n"
        ti = tarfile.TarInfo("arch")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    layer_tar = buf.getvalue()
    layer_gz = gzip.compress(layer_tar)
    ld = put_blob(base, repo, layer_gz)
    cfg = json.dumps({"architecture": "arm64", "variant": "v8", "os": "linux",
                      "rootfs": {"type": "layers", "diff_ids": [digest(layer_tar)]},
                      "config": {}}).encode()
    cd = put_blob(base, repo, cfg)
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(cfg)},
                      "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": len(layer_gz)}]}).encode()
    req("PUT", f"{base}/v2/{repo}/manifests/arm64", man,
        {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    _, h, amd = req("GET", f"{base}/v2/{repo}/manifests/{amd64_tag}", None,
                    {"Accept": "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"})
    idx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest(man), "size": len(man),
         "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        {"mediaType": h["Content-Type"].split(";")[0], "digest": digest(amd), "size": len(amd),
         "platform": {"os": "linux", "architecture": "amd64"}}]}).encode()
    req("PUT", f"{base}/v2/{repo}/manifests/{index_tag}", idx,
        {"Content-Type": "application/vnd.oci.image.index.v1+json"})
    print(digest(idx))


if __name__ == "__main__":
    main()
