// nook system info|df|prune (and `nook info`): docker's engine-wide views.
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/pause.h"
#include "engine/template/go_template.h"
#include "engine/views/system.h"
#include "image/images.h"

namespace nook::cli {

namespace {

Status info(Globals& g, const std::string& format) {
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto j, engine::system_info(eng));
    if (format == "json") {
        std::printf("%s\n", j.dump().c_str());
        return {};
    }
    if (!format.empty()) {
        TRY_ASSIGN(auto out, engine::render_template(format, j));
        std::printf("%s\n", out.c_str());
        return {};
    }
    auto s = [&](const char* k) { return engine::go_print(j[k]); };
    std::string runtimes;
    for (const auto& [name, v] : j["Runtimes"].items()) runtimes += " " + name;
    std::printf(
        "Server:\n Containers: %s\n  Running: %s\n  Paused: %s\n  Stopped: %s\n Images: %s\n"
        " Server Version: %s\n Storage Driver: %s\n Cgroup Driver: %s\n Cgroup Version: %s\n"
        " Runtimes:%s\n Default Runtime: %s\n Kernel Version: %s\n Operating System: %s\n OSType: "
        "%s\n"
        " Architecture: %s\n CPUs: %s\n Total Memory: %s\n Name: %s\n Docker Root Dir: %s\n",
        s("Containers").c_str(), s("ContainersRunning").c_str(), s("ContainersPaused").c_str(),
        s("ContainersStopped").c_str(), s("Images").c_str(), s("ServerVersion").c_str(),
        s("Driver").c_str(), s("CgroupDriver").c_str(), s("CgroupVersion").c_str(),
        runtimes.c_str(), s("DefaultRuntime").c_str(), s("KernelVersion").c_str(),
        s("OperatingSystem").c_str(), s("OSType").c_str(), s("Architecture").c_str(),
        s("NCPU").c_str(), engine::bytes_binary(j["MemTotal"].get<uint64_t>()).c_str(),
        s("Name").c_str(), s("DockerRootDir").c_str());
    return {};
}

Status df(Globals& g, bool verbose, const std::string& format) {
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto du, engine::disk_usage(eng));
    if (format == "json") {
        for (auto& r : du.summary) {
            char pct[16];
            std::snprintf(pct, sizeof pct, "%.0f%%", r.size ? 100.0 * r.reclaimable / r.size : 0.0);
            std::printf("%s\n",
                        nlohmann::json{{"Type", r.type},
                                       {"TotalCount", std::to_string(r.total)},
                                       {"Active", std::to_string(r.active)},
                                       {"Size", engine::bytes_decimal(r.size)},
                                       {"Reclaimable",
                                        engine::bytes_decimal(r.reclaimable) + " (" + pct + ")"}}
                            .dump()
                            .c_str());
        }
        return {};
    }
    std::string text = "TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE\n";
    for (auto& r : du.summary) {
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.0f%%", r.size ? 100.0 * r.reclaimable / r.size : 0.0);
        text += r.type + "\t" + std::to_string(r.total) + "\t" + std::to_string(r.active) + "\t" +
                engine::bytes_decimal(r.size) + "\t" + engine::bytes_decimal(r.reclaimable) + " (" +
                pct + ")\n";
    }
    std::fputs(engine::align_table(text).c_str(), stdout);
    if (!verbose) return {};
    text = "REPOSITORY\tIMAGE ID\tSIZE\tCONTAINERS\n";
    for (auto& i : du.images) {
        std::string id = i["ID"].get<std::string>();
        if (id.rfind("sha256:", 0) == 0) id = id.substr(7);
        text += i["Repository"].get<std::string>() + "\t" + id.substr(0, 12) + "\t" +
                engine::bytes_decimal(i["Size"].get<uint64_t>()) + "\t" +
                std::to_string(i["Containers"].get<int>()) + "\n";
    }
    std::printf("\nImages space usage:\n\n%s", engine::align_table(text).c_str());
    text = "CONTAINER ID\tIMAGE\tSIZE\tSTATUS\tNAMES\n";
    for (auto& c : du.containers)
        text += c["ID"].get<std::string>().substr(0, 12) + "\t" + c["Image"].get<std::string>() +
                "\t" + engine::bytes_decimal(c["Size"].get<uint64_t>()) + "\t" +
                c["Status"].get<std::string>() + "\t" + c["Names"].get<std::string>() + "\n";
    std::printf("\nContainers space usage:\n\n%s", engine::align_table(text).c_str());
    text = "VOLUME NAME\tLINKS\tSIZE\n";
    for (auto& v : du.volumes)
        text += v["Name"].get<std::string>() + "\t" + std::to_string(v["Links"].get<int>()) + "\t" +
                engine::bytes_decimal(v["Size"].get<uint64_t>()) + "\n";
    std::printf("\nLocal Volumes space usage:\n\n%s", engine::align_table(text).c_str());
    return {};
}

void print_list(const char* title, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    std::printf("%s:\n", title);
    for (auto& i : ids) std::printf("%s\n", i.c_str());
    std::printf("\n");
}

Status prune(Globals& g, bool all, bool volumes) {
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto c, engine::prune_containers(eng, {}));
    print_list("Deleted Containers", c.deleted);
    uint64_t total = c.reclaimed;
    if (volumes) {
        TRY_ASSIGN(auto v, engine::prune_volumes(eng, false));
        print_list("Deleted Volumes", v.deleted);
        total += v.reclaimed;
    }
    TRY_ASSIGN(auto i, engine::prune_images(eng, all));
    print_list("Deleted Images", i.deleted);
    total += i.reclaimed;
    std::printf("Total reclaimed space: %s\n", engine::bytes_decimal(total).c_str());
    return {};
}

}  // namespace

void setup_info(CLI::App& cmd, Globals& g) {
    auto format = std::make_shared<std::string>();
    cmd.add_option("-f,--format", *format, "json or a Go template");
    cmd.callback([&g, format] {
        if (auto s = info(g, *format); !s.ok()) fail(g, s.error());
    });
}

void setup_system(CLI::App& cmd, Globals& g) {
    cmd.require_subcommand(1);
    setup_info(*cmd.add_subcommand("info", "Display system-wide information"), g);
    auto* d = cmd.add_subcommand("df", "Show docker disk usage");
    auto verbose = std::make_shared<bool>(false);
    auto format = std::make_shared<std::string>();
    d->add_flag("-v,--verbose", *verbose, "Show detailed information on space usage");
    d->add_option("--format", *format, "json");
    d->callback([&g, verbose, format] {
        if (auto s = df(g, *verbose, *format); !s.ok()) fail(g, s.error());
    });
    auto* p = cmd.add_subcommand("prune", "Remove unused data");
    auto all = std::make_shared<bool>(false);
    auto volumes = std::make_shared<bool>(false);
    auto force = std::make_shared<bool>(false);
    p->add_flag("-a,--all", *all, "Remove all unused images not just dangling ones");
    p->add_flag("--volumes", *volumes, "Prune anonymous volumes");
    p->add_flag("-f,--force", *force, "Do not prompt for confirmation (nook never prompts)");
    p->callback([&g, all, volumes] {
        if (auto s = prune(g, *all, *volumes); !s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
