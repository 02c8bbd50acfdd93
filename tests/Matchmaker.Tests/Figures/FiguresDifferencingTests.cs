using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Demo;
using Matchmaker.Silo.Figures;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Disclosure;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Retention;

namespace Matchmaker.Tests.Figures;

/// <summary>
/// Published figures read side by side. Two tables that publish the same counts: a region's own page and the national
/// table show the region's waiting children per care type, those past the 3-month norm and those waiting at each month's
/// end; someone who reads both (a municipality's buyer who also reads the national figures) holds every count that either
/// shows, and every sum of both, and from all of that together no hidden count of 1 to 4 may follow. Two days: the
/// counts of a past month's end stay the same, and must be hidden the same way.
/// </summary>
/// <remarks>
/// On the national demo market (3,000 waiting children over 42 regions): in the small one nearly every count of a region
/// is small, hidden on every page alike, and protecting the pages apart would leak nothing for these tests to catch.
/// </remarks>
[Trait(Lane.Name, Lane.Integration)]
public sealed class FiguresDifferencingTests(NationalDemoDatabases databases) : IClassFixture<NationalDemoDatabases>
{
    private const string Region = "rijnmond";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryRegionsPage_ReadBesideTheNationalTables_GivesNoHiddenSmallCountAway_AndShowsTheSameCountsAsThey(string provider)
    {
        var database = await databases.ForAsync(provider);
        var snapshots = new FiguresSnapshots(database.Database, Publication(database, TimeProvider.System), TimeProvider.System);
        var attacker = new Reader();
        var all = (await snapshots.NationalAsync(null)).Figures;
        foreach (var careType in CareTypes.All)
            attacker.ReadNational((await snapshots.NationalAsync(careType)).Figures);
        attacker.ReadNational(all);
        foreach (var region in all.Regions)
            attacker.ReadRegion((await snapshots.ShortageAsync(region.Code)).Figures);

        Assert.Empty(attacker.Disagreements);
        Assert.Empty(attacker.HiddenOnOnePageOnly);
        Assert.True(attacker.SharedCounts > 100, $"only {attacker.SharedCounts} counts are on both pages");
        Assert.True(attacker.HiddenOnBoth > 10, $"only {attacker.HiddenOnBoth} shared counts are hidden");
        Assert.Empty(attacker.Attack().SmallCountsFound());
    }

    // A past month's end is counted the same every day, so its cells must be hidden the same way every day: else two days'
    // pages, each safe alone, would together show what each hides. Besides freezing them (below), the protection decides
    // a month's cells from that month's counts alone (its sums share no cell with today's), so even recomputed they come
    // out the same. All but the month end just passed: its first publication prefers to hide where today hides, and is
    // frozen then.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheNextDay_AfterAChildIsPlaced_ThePastMonthEndsShowAndHideTheSameCounts(string provider)
    {
        var database = await databases.ForAsync(provider);
        var clock = new SetClock(DateTimeOffset.UtcNow);
        if (clock.Now.Day > 27) clock.Now = clock.Now.AddDays(-4);
        var firstDay = await Publication(database, clock).ComputeAsync();
        var placed = await database.ScalarAsync<Guid>("SELECT id FROM requests WHERE region_code = @Region AND status = 'open' ORDER BY id LIMIT 1", new { Region });
        await database.ExecuteAsync("""
            UPDATE requests SET status = 'placed', closed_at = @now WHERE id = @placed AND region_code = @Region
            """, new { now = clock.Now, placed, Region });
        clock.Now = clock.Now.AddDays(1);
        var nextDay = await Publication(database, clock).ComputeAsync();

        var justPassed = $"/{new DateOnly(clock.Now.Year, clock.Now.Month, 1).AddDays(-1)}";
        var before = PastMonthEnds(firstDay.Regions, firstDay.National).Where(c => !c.Cell.Contains(justPassed, StringComparison.Ordinal)).ToList();
        var after = PastMonthEnds(nextDay.Regions, nextDay.National).ToDictionary(c => c.Cell, c => c.Count);

        Assert.Contains(before, c => c.Count.Hidden);
        Assert.Contains(before, c => !c.Count.Hidden && c.Count.Value > 0);
        Assert.All(before, c => Assert.Equal(c.Count, after[c.Cell]));
        // Today's counts did change: the child placed is no longer waiting.
        Assert.Equal(firstDay.National[0].Total.Waiting.Value - 1, nextDay.National[0].Total.Waiting.Value);
    }

    // A past month end is counted by each child's care type now, and a desk may correct a waiting child's care type: the
    // month ends recomputed the next day would then differ from those published the day before, by that child (the edit
    // itself published) and in which cells are hidden (read together, the two days give a hidden count away). So a month
    // end is published as it was the first time.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheNextDay_AfterCareTypesAreCorrected_ThePastMonthEndsAreAsPublishedTheDayBefore(string provider)
    {
        var database = await databases.ForAsync(provider);
        await database.ExecuteAsync("DELETE FROM figures_snapshots; DELETE FROM figures_hidden_cells; DELETE FROM figures_month_ends");
        var clock = new SetClock(DateTimeOffset.UtcNow);
        if (clock.Now.Day > 27) clock.Now = clock.Now.AddDays(-4);
        var snapshots = new FiguresSnapshots(database.Database, Publication(database, clock), clock);
        var regions = await database.QueryAsync<string>("SELECT code FROM regions ORDER BY code");
        async Task<List<(string Cell, ProtectedCount Count)>> PublishedAsync() =>
        [
            .. (await Task.WhenAll(regions.Select(snapshots.ShortageAsync))).SelectMany(snapshot => PastMonthEnds([snapshot.Figures], [])),
            .. PastMonthEnds([], [(await snapshots.NationalAsync(null)).Figures]),
        ];
        var firstDay = await PublishedAsync();
        // In every region, the child waiting longest gets another care type (as a desk's correction does).
        foreach (var region in regions)
            await database.ExecuteAsync("""
                UPDATE requests SET care_type = CASE WHEN care_type = 'gezinshuis' THEN 'residential' ELSE 'gezinshuis' END
                WHERE id = (SELECT id FROM requests WHERE region_code = @region AND status = 'open' ORDER BY registered_at, id LIMIT 1)
                """, new { region });
        clock.Now = clock.Now.AddDays(1);
        var nextDay = (await PublishedAsync()).ToDictionary(c => c.Cell, c => c.Count);
        var recomputed = PastMonthEnds((await Publication(database, clock).ComputeAsync()).Regions, []).ToDictionary(c => c.Cell, c => c.Count);

        Assert.Contains(firstDay, c => c.Count.Hidden);
        Assert.All(firstDay, c => Assert.Equal(c.Count, nextDay[c.Cell]));
        // Recomputed, the edits would have shown: the month ends differ from what was published.
        Assert.Contains(firstDay, c => recomputed.TryGetValue(c.Cell, out var count) && count != c.Count && !(c.Count.Hidden && count.Hidden));
    }

    // Just after midnight on the 1st, the month end that has just passed and today count nearly the same children, side
    // by side on the page (and the month end for eleven months after), protected in sums of their own: where a count is
    // the same at both moments, one hidden and the other shown would give it away. The month end, where it must hide
    // another count, chooses first those whose today's count is hidden (on this demo one pair of 414 differs without).
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task JustAfterAMonthEnds_ItsCountsAndTodaysAreHiddenAlike(string provider)
    {
        var database = await databases.ForAsync(provider);
        var nextMonth = DateTimeOffset.UtcNow.AddMonths(1);
        var clock = new SetClock(new DateTimeOffset(nextMonth.Year, nextMonth.Month, 1, 0, 0, 30, TimeSpan.Zero));
        // A few children placed in the half minute since the month ended: then some counts differ between the two.
        var placed = (await database.QueryAsync<Guid>("SELECT id FROM requests WHERE status = 'open' ORDER BY id")).Where((_, i) => i % 9 == 0).ToList();
        foreach (var child in placed)
            await database.ExecuteAsync("UPDATE requests SET status = 'placed', closed_at = @at WHERE id = @child", new { at = clock.Now.AddSeconds(-10), child });

        var figures = await Publication(database, clock).ComputeAsync();

        var pairs = figures.Regions.SelectMany(page => page.MonthlyTrend[^2].ByCareType.Append(page.MonthlyTrend[^2].Waiting)
                .Zip(page.MonthlyTrend[^1].ByCareType.Append(page.MonthlyTrend[^1].Waiting)))
            .Concat(figures.National.Where(table => table.CareType is null)
                .SelectMany(table => table.Regions.Append(table.Total)).Select(row => (First: row.WaitingAtMonthEnd![^2], Second: row.WaitingAtMonthEnd![^1])))
            .ToList();
        var same = pairs.Where(pair => pair.First.Value == pair.Second.Value).ToList();
        Assert.Contains(same, pair => pair.First.Hidden);
        Assert.All(same, pair => Assert.Equal(pair.First.Hidden, pair.Second.Hidden));
    }

    /// <summary>Every past month end's count on the regions' pages and the national tables, by what it counts.</summary>
    private static IEnumerable<(string Cell, ProtectedCount Count)> PastMonthEnds(IEnumerable<ShortageFigures> pages, IEnumerable<NationalFigures> tables)
    {
        foreach (var page in pages)
            foreach (var point in page.MonthlyTrend.SkipLast(1))
                foreach (var (count, i) in point.ByCareType.Append(point.Waiting).Select((c, i) => (c, i)))
                    yield return ($"{page.RegionCode}/{point.MonthEnding}/{(i < page.MonthlyCareTypes.Count ? page.MonthlyCareTypes[i] : "")}", count);
        foreach (var all in tables.Where(table => table.CareType is null))
            foreach (var row in all.Regions.Append(all.Total))
                for (var m = 0; m < all.MonthEndings!.Count - 1; m++)
                    yield return ($"national/{row.Code}/{all.MonthEndings[m]}", row.WaitingAtMonthEnd![m]);
    }

    // Today's counts change from day to day, and where a small count needs another hidden beside it, tomorrow's choice
    // could fall on a different one: then one day's page shows what the other's hides, and read together (if nothing
    // changed between) they give the small count away. The snapshot remembers the names of the cells it hid, and the
    // next day's protection chooses those first.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheNextDaysSnapshot_HidesAgainTheCellsHiddenTheDayBefore_WhereTheyStillServe(string provider)
    {
        var database = await databases.ForAsync(provider);
        await database.ExecuteAsync("DELETE FROM figures_snapshots; DELETE FROM figures_hidden_cells; DELETE FROM figures_month_ends");
        var clock = new SetClock(DateTimeOffset.UtcNow.AddDays(40));
        var snapshots = new FiguresSnapshots(database.Database, Publication(database, clock), clock);
        await snapshots.NationalAsync(null);
        var firstDay = DateOnly.FromDateTime(clock.Now.UtcDateTime);
        // A busy day: one in five waiting children placed, in every region.
        var placed = (await database.QueryAsync<Guid>("SELECT id FROM requests WHERE status = 'open' ORDER BY id")).Where((_, i) => i % 5 == 0).ToList();
        foreach (var child in placed)
            await database.ExecuteAsync("UPDATE requests SET status = 'placed', closed_at = @now WHERE id = @child", new { now = clock.Now, child });
        clock.Now = clock.Now.AddDays(1);
        await snapshots.NationalAsync(null);

        async Task<HashSet<string>> HiddenOnAsync(DateOnly day) => System.Text.Json.JsonSerializer.Deserialize<HashSet<string>>(
            await database.ScalarAsync<string>("SELECT names FROM figures_hidden_cells WHERE day = @day", new { day }))!;
        var before = await HiddenOnAsync(firstDay);
        var remembered = await HiddenOnAsync(firstDay.AddDays(1));
        var forgotten = (await Publication(database, clock).ComputeAsync()).HiddenCells.ToHashSet();
        int ShownAgain(HashSet<string> today) => before.Count(name => !today.Contains(name));

        Assert.NotEmpty(before);
        Assert.NotEqual(remembered, forgotten);
        Assert.True(ShownAgain(remembered) < ShownAgain(forgotten), $"shown again: {ShownAgain(remembered)} remembering, {ShownAgain(forgotten)} not");
    }

    private static FiguresPublication Publication(TestDatabase database, TimeProvider clock) =>
        new(database.Database, clock);

    /// <summary>What the reader of both pages holds: each count by its meaning (one name wherever it is shown), and the sums.</summary>
    private sealed class Reader
    {
        private readonly Dictionary<string, List<ProtectedCount>> _shown = new(StringComparer.Ordinal);
        private readonly List<(string Total, string[] Parts)> _sums = [];
        private readonly HashSet<string> _onRegionPage = new(StringComparer.Ordinal);
        private readonly HashSet<string> _onNationalPage = new(StringComparer.Ordinal);

        public List<string> Disagreements { get; } = [];
        /// <summary>Counts on both pages that one hides and the other shows (each then gives the other away).</summary>
        public List<string> HiddenOnOnePageOnly => _onRegionPage.Intersect(_onNationalPage)
            .Where(name => _shown[name].Any(c => c.Hidden) && _shown[name].Any(c => !c.Hidden)).ToList();
        public int SharedCounts => _onRegionPage.Intersect(_onNationalPage).Count();
        public int HiddenOnBoth => _onRegionPage.Intersect(_onNationalPage).Count(name => _shown[name].All(c => c.Hidden));

        private void Cell(string name, ProtectedCount count, HashSet<string> page)
        {
            if (!_shown.TryGetValue(name, out var seen)) _shown[name] = seen = [];
            if (Known(seen) is { } shown && !count.Hidden && shown != count.Value)
                Disagreements.Add($"{name}: {shown} and {count.Value}");
            seen.Add(count);
            page.Add(name);
        }

        private static int? Known(IEnumerable<ProtectedCount> seen) => seen.Where(c => !c.Hidden).Select(c => (int?)c.Value).FirstOrDefault();

        private void Sum(string total, IEnumerable<string> parts) => _sums.Add((total, parts.ToArray()));

        public void ReadNational(NationalFigures table)
        {
            var careType = table.CareType ?? "";
            foreach (var row in table.Regions)
            {
                Cell($"waiting/{row.Code}/{careType}", row.Waiting, _onNationalPage);
                Cell($"past-norm/{row.Code}/{careType}", row.OverThreeMonths, _onNationalPage);
                Cell($"outside/{row.Code}/{careType}", row.PlacedOutsideRegion, _onNationalPage);
            }
            Cell($"waiting//{careType}", table.Total.Waiting, _onNationalPage);
            Cell($"past-norm//{careType}", table.Total.OverThreeMonths, _onNationalPage);
            Cell($"outside//{careType}", table.Total.PlacedOutsideRegion, _onNationalPage);
            foreach (var what in new[] { "waiting", "past-norm", "outside" })
                Sum($"{what}//{careType}", table.Regions.Select(row => $"{what}/{row.Code}/{careType}"));
            if (table.CareType is not null) return;

            // The table of all care types: each region's row is the sum of its rows per care type; and the 12-month trend.
            foreach (var code in table.Regions.Select(row => row.Code).Append(""))
                foreach (var what in new[] { "waiting", "past-norm", "outside" })
                    Sum($"{what}/{code}/", CareTypes.All.Select(c => $"{what}/{code}/{c}"));
            var endings = table.MonthEndings!;
            for (var m = 0; m < endings.Count - 1; m++)
            {
                foreach (var row in table.Regions)
                    Cell($"waiting-at/{row.Code}/{endings[m]:yyyy-MM-dd}", row.WaitingAtMonthEnd![m], _onNationalPage);
                Cell($"waiting-at//{endings[m]:yyyy-MM-dd}", table.Total.WaitingAtMonthEnd![m], _onNationalPage);
                Sum($"waiting-at//{endings[m]:yyyy-MM-dd}", table.Regions.Select(row => $"waiting-at/{row.Code}/{endings[m]:yyyy-MM-dd}"));
            }
        }

        public void ReadRegion(ShortageFigures page)
        {
            var code = page.RegionCode;
            foreach (var row in page.ByCareType)
            {
                Cell($"waiting/{code}/{row.CareType}", row.Waiting, _onRegionPage);
                Cell($"past-norm/{code}/{row.CareType}", row.OverThreeMonths, _onRegionPage);
                for (var band = 0; band < row.WaitingByAgeBand.Length; band++)
                    Cell($"band/{code}/{row.CareType}/{band}", row.WaitingByAgeBand[band], _onRegionPage);
                Sum($"waiting/{code}/{row.CareType}", Enumerable.Range(0, row.WaitingByAgeBand.Length).Select(band => $"band/{code}/{row.CareType}/{band}"));
            }
            Cell($"waiting/{code}/", page.WaitingTotal, _onRegionPage);
            Cell($"past-norm/{code}/", page.OverThreeMonthsTotal, _onRegionPage);
            Sum($"waiting/{code}/", page.ByCareType.Select(row => $"waiting/{code}/{row.CareType}"));
            Sum($"past-norm/{code}/", page.ByCareType.Select(row => $"past-norm/{code}/{row.CareType}"));
            foreach (var home in page.ByMunicipality)
            {
                Cell($"home/{code}/{home.Name}", home.Waiting, _onRegionPage);
                Cell($"home-past-norm/{code}/{home.Name}", home.OverThreeMonths, _onRegionPage);
            }
            Sum($"waiting/{code}/", page.ByMunicipality.Select(home => $"home/{code}/{home.Name}"));
            Sum($"past-norm/{code}/", page.ByMunicipality.Select(home => $"home-past-norm/{code}/{home.Name}"));

            // The monthly trend: the month ends before today are the national trend's; today's point is the waiting table.
            for (var m = 0; m < page.MonthlyTrend.Count; m++)
            {
                var point = page.MonthlyTrend[m];
                var now = m == page.MonthlyTrend.Count - 1;
                var total = now ? $"waiting/{code}/" : $"waiting-at/{code}/{point.MonthEnding:yyyy-MM-dd}";
                var cells = page.MonthlyCareTypes.Select(c => now ? $"waiting/{code}/{c}" : $"month/{code}/{c}/{point.MonthEnding:yyyy-MM-dd}").ToList();
                Cell(total, point.Waiting, _onRegionPage);
                for (var c = 0; c < cells.Count; c++) Cell(cells[c], point.ByCareType[c], _onRegionPage);
                Sum(total, cells);
            }
        }

        public SubtractionAttack Attack()
        {
            var attack = new SubtractionAttack();
            foreach (var (name, seen) in _shown)
                attack.Cell(name, Known(seen));
            foreach (var (total, parts) in _sums)
                attack.Sum(total, parts);
            return attack;
        }
    }
}
