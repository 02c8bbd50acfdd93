using Matchmaker.Matching.Purchasing;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

/// <summary>
/// The what-if's audit by atoms (issue 22, "Figures that cannot be differenced"): the counts published on one day, added
/// and subtracted in any way, are never about one to four children. Children are positions 0…n of a day's input.
/// </summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class WhatIfAtomTests
{
    /// <summary>Children 0 to 39: priority 2, none past any norm, unless a test says otherwise.</summary>
    private static ChildClass[] Children(int count = 40) => [.. Enumerable.Range(0, count).Select(_ => new ChildClass(2, [false, false, false]))];

    private static IReadOnlySet<int> Range(int from, int count) => Enumerable.Range(from, count).ToHashSet();

    private static IReadOnlySet<int> Union(params IReadOnlySet<int>[] sets) => sets.SelectMany(s => s).ToHashSet();

    private static PurchaseCandidates Candidates(IReadOnlySet<int> members, IReadOnlyList<ChildClass> children) =>
        new(members.Count,
            [.. Enumerable.Range(1, 3).Select(p => members.Count(m => children[m].Priority == p))],
            [.. Enumerable.Range(0, 3).Select(n => members.Count(m => children[m].PastNorm[n]))],
            members);

    /// <summary>Asks the questions in order, as one day would: each published run joins what the next is audited against.</summary>
    private static List<Publication> AskInOrder(IReadOnlyList<IReadOnlySet<int>> questions, IReadOnlyList<ChildClass> children)
    {
        var published = new List<PublishedGroup>();
        var answers = new List<Publication>();
        foreach (var question in questions)
        {
            var answer = WhatIfDisclosure.Decide(Candidates(question, children), published, children);
            if (answer.GroupOf(question) is { } group) published.Add(group);
            answers.Add(answer);
        }
        return answers;
    }

    [Fact]
    public void AllAgesWithSpecialismS_MinusEachAgeBand_NeverIsolatesTheChildrenWhoNeedS_InAnyOrder()
    {
        // Twenty children needing nothing, five per age band (0-4, 5-9, 10-14, 15-19), and two needing s (20, 21).
        var children = Children();
        var bands = Enumerable.Range(0, 4).Select(b => Range(5 * b, 5)).ToList();
        var needNothingOrS = Range(0, 22);
        IReadOnlyList<IReadOnlySet<int>> questions = [needNothingOrS, .. bands];

        // Two by two, every pair differs by 0 or five or more on each side: the old rule answered all five.
        foreach (var a in questions)
            foreach (var b in questions.Where(b => b != a && b.Overlaps(a)))
                Assert.True(a.Except(b).Count() is 0 or >= 5 && b.Except(a).Count() is 0 or >= 5);
        // The union attack needs all five answers; in no order of asking are all five published.
        foreach (var order in Permutations([0, 1, 2, 3, 4]))
        {
            var answers = AskInOrder([.. order.Select(i => questions[i])], children);
            Assert.Contains(answers, a => !a.Counts);
        }
        // Asked the attacker's way, the last age band is the one hidden; the first four are answered.
        Assert.Equal([true, true, true, true, false], AskInOrder(questions, children).Select(a => a.Counts));
    }

    [Fact]
    public void TheSameQuestion_OrOneAboutOtherChildren_OrOneSplittingGroupsIntoFivesOrMore_IsAnswered()
    {
        var children = Children();
        var seven = Range(0, 7);

        Assert.Equal([true, true], AskInOrder([seven, seven], children).Select(a => a.Counts));
        Assert.Equal([true, true], AskInOrder([seven, Range(20, 5)], children).Select(a => a.Counts));
        Assert.Equal([true, true], AskInOrder([Range(0, 10), Range(5, 10)], children).Select(a => a.Counts));
        Assert.Equal([true, false], AskInOrder([seven, Range(0, 6)], children).Select(a => a.Counts));
        Assert.Equal([true, false], AskInOrder([seven, Range(0, 8)], children).Select(a => a.Counts));
        // One to four candidates: hidden on their own, and nothing learnt from them joins the audit.
        Assert.Equal([false, true], AskInOrder([Range(0, 3), Range(10, 5)], children).Select(a => a.Counts));
    }

    [Fact]
    public void ARunThatAddsTwoChildrenToTheSumOfTwoEarlierRuns_IsHidden_ThoughItIsApartFromEachOfThem()
    {
        // A = 0-9 and B = 5-14 make the atoms 0-4, 5-9, 10-14; C = 0-4, 10-14 and the two children 20-21.
        var children = Children();
        var (a, b) = (Range(0, 10), Range(5, 10));
        var c = Union(Range(0, 5), Range(10, 5), Range(20, 2));

        foreach (var earlier in new[] { a, b })
            Assert.True(c.Except(earlier).Count() >= 5 && earlier.Except(c).Count() >= 5);
        // |C| - |A| - |B| + 2·|A ∩ B| = 2 children.
        Assert.Equal([true, true, false], AskInOrder([a, b, c], children).Select(x => x.Counts));
    }

    [Fact]
    public void ThePriorityBreakdown_IsHidden_WhenAnEarlierBreakdownMinusItWouldBeAboutOneToFourChildrenOfAClass()
    {
        // Children 0-9 are crisis, the others urgent. E = 0-19 (10 crisis, 10 urgent); D = 0-12 (10 crisis, 3 urgent:
        // counts only); C = 13-19 (7 urgent). E's breakdown minus C's would be D's: the 3 urgent children 10-12.
        var children = Children();
        for (var i = 0; i < 10; i++) children[i] = new ChildClass(1, [false, false, false]);
        var (e, d, c) = (Range(0, 20), Range(0, 13), Range(13, 7));

        var answers = AskInOrder([e, d, c], children);

        Assert.True(answers[0].ByPriority);
        Assert.True(answers[1].Counts);
        Assert.False(answers[1].ByPriority);
        Assert.True(answers[2].Counts);
        Assert.False(answers[2].ByPriority);
        // Without E's breakdown published, C's own (7 urgent) can be differenced with nothing: answered.
        Assert.True(AskInOrder([d, c], children)[1].ByPriority);
    }

    [Fact]
    public void ANormsLine_IsHidden_WhenAnAtomOfTheRunsThatPublishedItHoldsOneToFourChildrenOnOneSideOfTheNorm()
    {
        // Children 0-5 waited past every norm; the others did not.
        var children = Children();
        for (var i = 0; i < 6; i++) children[i] = new ChildClass(2, [true, true, true]);
        var first = Range(0, 14);

        Assert.All(AskInOrder([first], children)[0].PastNorm, Assert.True);
        // 0-1 fall out: two children, hidden altogether.
        Assert.False(AskInOrder([first, Range(2, 12)], children)[1].Counts);
        // 0-5 and 6-13: six past and eight not past: every line shown.
        Assert.All(AskInOrder([first, Range(0, 6)], children)[1].PastNorm, Assert.True);
        // 0-4 (all past) is fine alone, but the first run's lines minus it are about 5-13: one child past the norm.
        var cut = AskInOrder([first, Range(0, 5)], children)[1];
        Assert.True(cut.Counts);
        Assert.All(cut.PastNorm, Assert.False);
        Assert.All(AskInOrder([Range(0, 5)], children)[0].PastNorm, Assert.True);
    }

    private static IEnumerable<int[]> Permutations(int[] items) =>
        items.Length <= 1 ? [items] : items.SelectMany(first => Permutations([.. items.Where(i => i != first)]).Select(rest => (int[])[first, .. rest]));
}
