// docker's inspect shapes: every key docker's ContainerJSON (container.InspectResponse),
// its HostConfig/Config/State/NetworkSettings/GraphDriver and ImageInspect has, with
// docker's defaults where nook stores nothing, and the template view of them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/store/db.h"
#include "engine/store/paths.h"
#include "image/store.h"

namespace nook::engine {

// HostConfig with every docker key: the stored one wins, docker's zero values
// (Memory 0, PidsLimit null, ...) fill the rest.
nlohmann::json complete_host_config(const nlohmann::json& stored);
// Config with every key docker shows for a container (AttachStdout, OnBuild, ...).
nlohmann::json complete_container_config(const nlohmann::json& stored);

// NetworkSettings as docker shows it for the container's NetworkMode: today
// nook has no networks, so only "none"/"host" have an entry (no addresses);
// pid > 0: the running container's network namespace is the SandboxKey.
nlohmann::json network_settings(const std::string& network_mode, int pid);

// GraphDriver {Name: overlay2, Data: {LowerDir, MergedDir, UpperDir, WorkDir}}.
// lowers: top-most first.
nlohmann::json graph_driver(const std::vector<std::string>& lowers, const std::string& upper,
                            const std::string& merged, const std::string& work);
// A container's: its image's layer snapshots under its own upper/work dirs.
nlohmann::json container_graph_driver(const Paths& paths, const ContainerRow& row);

// image::inspect_json's object with the keys docker's ImageInspect adds:
// GraphDriver (the top layer's snapshot as UpperDir, the others as LowerDir),
// DockerVersion.
nlohmann::json complete_image_inspect(const nlohmann::json& j, const image::Store& store,
                                      const image::ImageRecord& rec);

// The data a --format template sees: docker executes it on its Go types, where
// fields left out of the JSON (omitempty) still exist and print their zero
// value ("" / 0 / [] / map[]) or <no value> (nil pointers): those are added
// here, so only a field docker has no such thing for is an unknown key.
nlohmann::json container_template_view(const nlohmann::json& inspect);
nlohmann::json image_template_view(const nlohmann::json& inspect);

}  // namespace nook::engine
