// Verb suggestions for a mistyped command (src/cli/nook/suggest.h).
#include <gtest/gtest.h>

#include "cli/nook/suggest.h"

using nook::cli::edit_distance;
using nook::cli::suggest;

TEST(EditDistance, CountsInsertDeleteSubstitute) {
    EXPECT_EQ(edit_distance("", ""), 0u);
    EXPECT_EQ(edit_distance("run", "run"), 0u);
    EXPECT_EQ(edit_distance("rn", "run"), 1u);    // insert
    EXPECT_EQ(edit_distance("runn", "run"), 1u);  // delete
    EXPECT_EQ(edit_distance("rum", "run"), 1u);   // substitute
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(Suggest, ClosestVerbsFirst) {
    const std::vector<std::string> verbs = {"run", "rm", "ps", "pull", "push", "images", "inspect"};
    auto s = suggest("rn", verbs);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0], "run");  // ties keep the table's order
    EXPECT_EQ(s[1], "rm");
    EXPECT_EQ(suggest("imagse", verbs), std::vector<std::string>{"images"});
    EXPECT_EQ(suggest("pul", verbs), std::vector<std::string>{"pull"});  // a prefix
    EXPECT_EQ(suggest("pussh", verbs), std::vector<std::string>{"push"});
}

TEST(Suggest, PrefixesAndNothingClose) {
    const std::vector<std::string> verbs = {"run", "inspect", "images", "volume"};
    EXPECT_EQ(suggest("insp", verbs), std::vector<std::string>{"inspect"});
    EXPECT_TRUE(suggest("zzzzzz", verbs).empty());
    // Two edits turn a short word into any short verb: not close enough.
    EXPECT_TRUE(suggest("ab", {"ps", "cp"}).empty());
}
