#include "oci/state_json.h"

#include "oci/json_reader.h"
#include "oci/json_writer.h"

namespace nook::oci {

namespace {

detail::OJson state_object(const State& state) {
    detail::OJson o = {
        {"ociVersion", state.oci_version}, {"id", state.id}, {"status", state.status}};
    if (state.pid != 0) o["pid"] = state.pid;
    o["bundle"] = state.bundle;
    detail::put_map(o, "annotations", state.annotations);
    return o;
}

}  // namespace

std::string state_to_json(const State& state, bool pretty) {
    return detail::dump(state_object(state), pretty);
}

std::string process_state_to_json(const State& state, int pid, const std::string& metadata) {
    detail::OJson o = {{"ociVersion", state.oci_version}};
    // The fds travel in this order in the message's SCM_RIGHTS.
    o["fds"] = detail::OJson::array({"seccompFd"});
    o["pid"] = pid;
    if (!metadata.empty()) o["metadata"] = metadata;
    o["state"] = state_object(state);
    return detail::dump(o, false);
}

Result<State> parse_state(std::string_view json_text, const std::string& what) {
    TRY_ASSIGN(auto doc, detail::parse_document(json_text, what));
    detail::JsonReader r(what);
    State state;
    // A missing ociVersion must not pass for ours: start empty.
    state.oci_version.clear();
    if (r.expect_object(doc, "")) {
        detail::field(r, doc, "", "ociVersion", state.oci_version);
        detail::field(r, doc, "", "id", state.id);
        detail::field(r, doc, "", "status", state.status);
        detail::field(r, doc, "", "pid", state.pid);
        detail::field(r, doc, "", "bundle", state.bundle);
        detail::field(r, doc, "", "annotations", state.annotations);
    }
    if (r.failed()) return r.take_error();
    return state;
}

}  // namespace nook::oci
