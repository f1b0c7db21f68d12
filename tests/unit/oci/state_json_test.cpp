#include "oci/state_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nook::oci {
namespace {

TEST(StateJson, WritesRuntimeSpecState) {
    State s;
    s.id = "c1";
    s.status = "running";
    s.pid = 4242;
    s.bundle = "/b";
    s.annotations["k"] = "v";
    EXPECT_EQ(state_to_json(s),
              R"({"ociVersion":"1.2.0","id":"c1","status":"running","pid":4242,"bundle":"/b",)"
              R"("annotations":{"k":"v"}})");
}

// The containerProcessState sent to a seccomp listener (config-linux.md).
TEST(StateJson, ProcessStateForSeccompListener) {
    State s;
    s.id = "c1";
    s.status = "creating";
    s.pid = 4242;
    s.bundle = "/b";
    EXPECT_EQ(process_state_to_json(s, 4242, "meta"),
              R"({"ociVersion":"1.2.0","fds":["seccompFd"],"pid":4242,"metadata":"meta",)"
              R"("state":{"ociVersion":"1.2.0","id":"c1","status":"creating","pid":4242,)"
              R"("bundle":"/b"}})");
    EXPECT_FALSE(nlohmann::json::parse(process_state_to_json(s, 4242, "")).contains("metadata"));
}

TEST(StateJson, OmitsZeroPidAndEmptyAnnotations) {
    State s;
    s.id = "c1";
    s.status = "stopped";
    s.bundle = "/b";
    auto j = nlohmann::json::parse(state_to_json(s));
    EXPECT_FALSE(j.contains("pid"));
    EXPECT_FALSE(j.contains("annotations"));
    EXPECT_EQ(j["status"], "stopped");
}

TEST(StateJson, RoundTrips) {
    State s;
    s.id = "abc";
    s.status = "created";
    s.pid = 7;
    s.bundle = "/run/b";
    s.annotations = {{"a", "1"}, {"b", "2"}};
    auto r = parse_state(state_to_json(s, true));
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->oci_version, s.oci_version);
    EXPECT_EQ(r->id, "abc");
    EXPECT_EQ(r->status, "created");
    EXPECT_EQ(r->pid, 7);
    EXPECT_EQ(r->bundle, "/run/b");
    EXPECT_EQ(r->annotations, s.annotations);
}

TEST(StateJson, ParseErrorsNameTheField) {
    auto r = parse_state(R"({"id": "x", "pid": "12"})", "state.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(), "state.json: pid: expected int32, got string");
    auto bad = parse_state("{", "state.json");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().what().rfind("state.json: invalid JSON at line 1", 0), 0u);
}

TEST(StateJson, MissingVersionStaysEmpty) {
    auto r = parse_state(R"({"id": "x", "status": "created", "bundle": "/b"})");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->oci_version, "");
}

}  // namespace
}  // namespace nook::oci
