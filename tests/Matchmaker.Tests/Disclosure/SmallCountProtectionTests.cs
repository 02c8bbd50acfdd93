using Matchmaker.Matching.Disclosure;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Disclosure;

[Trait(Lane.Name, Lane.Fast)]
public sealed class SmallCountProtectionTests
{
    [Fact]
    public void AOneBesideAFive_IsNotLeftToBeCalculatedFromTheRowTotal()
    {
        // The moeder-kindhuis row that gave its hidden 1 away: 0 / 0 / 5 / "< 5" with total 6.
        var counts = new SmallCountProtection();
        int[] bands = [counts.Count(0), counts.Count(0), counts.Count(5), counts.Count(1)];
        var total = counts.Count(6);
        counts.Sum(total, bands);

        var hidden = counts.Protect();

        Assert.Equal([false, false, true, true], bands.Select(b => hidden[b]));
        Assert.False(hidden[total]);
        Assert.Empty(Attack(counts, hidden, [(total, bands)]).SmallCountsFound());
    }

    [Fact]
    public void SmallCountsThatTogetherMakeFive_NeedNoOtherCellHidden()
    {
        var counts = new SmallCountProtection();
        int[] cells = [counts.Count(1), counts.Count(4), counts.Count(20)];
        var total = counts.Count(25);
        counts.Sum(total, cells);

        var hidden = counts.Protect();

        Assert.Equal([true, true, false, false], hidden);
    }

    [Fact]
    public void ATableWithoutSmallCounts_HidesNothing()
    {
        var counts = new SmallCountProtection();
        int[] cells = [counts.Count(0), counts.Count(7), counts.Count(12)];
        counts.Sum(counts.Count(19), cells);

        Assert.All(counts.Protect(), Assert.False);
    }

    [Fact]
    public void ASumThatIsNotTheSumOfItsParts_IsRefused()
    {
        var counts = new SmallCountProtection();
        int[] cells = [counts.Count(2), counts.Count(7)];

        Assert.Throws<ArgumentException>(() => counts.Sum(counts.Count(10), cells));
    }

    [Fact]
    public void TwoTablesTiedByOneTotal_LeakNoSmallCountThroughEachOther()
    {
        // Rows with row totals, and the rows' totals adding up to a total published elsewhere on the page (a trend's
        // last point): hiding the lone small total of one row must not be undone by the grand total.
        var counts = new SmallCountProtection();
        var sums = new List<(int Total, int[] Parts)>();
        int[][] rows = [[6, 9], [2, 0], [8, 11]];
        var totals = rows.Select(row =>
        {
            var cells = row.Select(counts.Count).ToArray();
            var total = counts.Count(row.Sum());
            counts.Sum(total, cells);
            sums.Add((total, cells));
            return total;
        }).ToArray();
        var grand = counts.Count(rows.Sum(r => r.Sum()));
        counts.Sum(grand, totals);
        sums.Add((grand, totals));

        var hidden = counts.Protect();

        Assert.True(hidden[totals[1]]);
        Assert.Empty(Attack(counts, hidden, sums).SmallCountsFound());
    }

    [Fact]
    public void ACountTwoTablesPublish_IsOneCell_HiddenOnBothWhenEitherTablesSumsNeedIt()
    {
        // A region's page: care types 2 and 9 of 11. The national column of the 2's care type: regions 2 and 6 of 8.
        // Counted apart, the region's 9 could stay shown while the national table hid it, and give the 2 away there.
        var counts = new SmallCountProtection();
        int[] region = [counts.Count("waiting/a/x", 2), counts.Count("waiting/a/y", 9)];
        counts.Sum(counts.Count("waiting/a/", 11), region);
        int[] column = [counts.Count("waiting/a/x", 2), counts.Count("waiting/b/x", 6)];
        counts.Sum(counts.Count(8), column);

        var hidden = counts.Protect();

        Assert.Equal(region[0], column[0]);
        Assert.True(hidden[region[0]]);
        Assert.True(hidden[region[1]] && hidden[column[1]]);
        Assert.Throws<InvalidOperationException>(() => counts.Count("waiting/a/x", 3));
    }

    [Fact]
    public void TheNextDay_ACountHiddenTheDayBeforeToProtectASmallOne_IsHiddenAgain_ThoughAnotherIsNowSmaller()
    {
        // Yesterday 3, 9 and 20 of 32: the 3 hidden, and the 9 with it. Today 3, 9 and 8 of 20 (nothing changed but the
        // 20 became 8): hiding the 8 now would show the 9, and yesterday's 32 minus 20 minus 9 is the 3 again.
        static (bool[] Hidden, SmallCountProtection Counts) Day(int[] parts, IReadOnlySet<string>? hiddenBefore)
        {
            var counts = new SmallCountProtection();
            var cells = parts.Select((value, i) => counts.Count($"care-type/{i}", value)).ToArray();
            counts.Sum(counts.Count("total", parts.Sum()), cells);
            return (counts.Protect(hiddenBefore), counts);
        }

        var (yesterday, counts) = Day([3, 9, 20], hiddenBefore: null);
        var hiddenYesterday = counts.Named.Where(named => yesterday[named.Value]).Select(named => named.Key).ToHashSet();
        var (today, _) = Day([3, 9, 8], hiddenYesterday);
        var (todayWithoutMemory, _) = Day([3, 9, 8], hiddenBefore: null);

        Assert.Equal(["care-type/0", "care-type/1"], hiddenYesterday.Order(StringComparer.Ordinal));
        Assert.Equal([true, true, false, false], today);
        Assert.Equal([true, false, true, false], todayWithoutMemory);
    }

    [Fact]
    public void ALargeCountHiddenTheDayBefore_IsNotHiddenAgain_WhereASmallerOneServes()
    {
        var counts = new SmallCountProtection();
        int[] cells = [counts.Count("a", 2), counts.Count("b", 120), counts.Count("c", 6)];
        counts.Sum(counts.Count("total", 128), cells);

        var hidden = counts.Protect(new HashSet<string> { "a", "b" });

        Assert.Equal([true, false, true, false], hidden);
    }

    [Fact]
    public void RandomTablesWithRowAndColumnTotals_NeverGiveASmallCountAway()
    {
        var random = new Random(20261124);
        for (var table = 0; table < 400; table++)
        {
            var height = random.Next(1, 9);
            var width = random.Next(1, 6);
            var counts = new SmallCountProtection();
            var sums = new List<(int Total, int[] Parts)>();
            // Mostly small counts and zeros, sometimes larger: the shape of a region's figures.
            var cells = Enumerable.Range(0, height).Select(_ => Enumerable.Range(0, width)
                .Select(_ => counts.Count(random.NextDouble() < 0.3 ? 0 : random.NextDouble() < 0.5 ? random.Next(1, 5) : random.Next(5, 40))).ToArray()).ToArray();
            var rowTotals = cells.Select(row => Total(counts, sums, row)).ToArray();
            var columnTotals = Enumerable.Range(0, width).Select(c => Total(counts, sums, cells.Select(row => row[c]).ToArray())).ToArray();
            var grand = Total(counts, sums, rowTotals);
            counts.Sum(grand, columnTotals);
            sums.Add((grand, columnTotals));

            var hidden = counts.Protect();

            for (var cell = 0; cell < hidden.Length; cell++)
                Assert.True(!SmallCountProtection.IsSmall(counts.ValueOf(cell)) || hidden[cell], $"table {table}: small cell {cell} is shown");
            var found = Attack(counts, hidden, sums).SmallCountsFound();
            Assert.True(found.Count == 0, $"table {table} ({height}x{width}): {string.Join("; ", found)}");
            Assert.Equal(hidden, counts.Protect());
        }
    }

    private static int Total(SmallCountProtection counts, List<(int Total, int[] Parts)> sums, int[] parts)
    {
        var total = counts.Count(parts.Sum(counts.ValueOf));
        counts.Sum(total, parts);
        sums.Add((total, parts));
        return total;
    }

    private static SubtractionAttack Attack(SmallCountProtection counts, bool[] hidden, IEnumerable<(int Total, int[] Parts)> sums)
    {
        var attack = new SubtractionAttack();
        for (var cell = 0; cell < hidden.Length; cell++) attack.Cell($"c{cell}", hidden[cell] ? null : counts.ValueOf(cell));
        foreach (var (total, parts) in sums) attack.Sum($"c{total}", parts.Select(p => $"c{p}").ToArray());
        return attack;
    }
}
