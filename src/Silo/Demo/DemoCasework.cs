using Matchmaker.Matching;
using Matchmaker.Silo.Access;

namespace Matchmaker.Silo.Demo;

/// <summary>
/// The demo's caseworkers and expertise networks have work of their own: each region's demo caseworker filed some of its
/// children (waiting, proposed, placed), and each desk escalated the children it could not place longest. Chosen from the
/// market already made and without drawing from the random source, so the market itself is the same as without them.
/// </summary>
public sealed partial class DemoDataGenerator
{
    private const int FiledWaiting = 4;
    private const int FiledPlaced = 2;
    private const int EscalatedPerRegion = 2;
    // What an expertise network takes on: scarce care a child lives in, not ambulatory care any region has plenty of.
    private static readonly HashSet<string> ScarceCare =
        [CareTypes.Residential, CareTypes.FamilyHome, CareTypes.HomeCare24h, CareTypes.FosterLong, CareTypes.Secure, CareTypes.MotherAndChildHome];
    // A desk escalates a child it has looked for in vain this long after the child's registration.
    private static readonly TimeSpan EscalatedAfter = TimeSpan.FromDays(42);

    private static readonly string[] EscalationReasons =
    [
        "Na zes weken zoeken geen passende plek in de regio: de aanbieders met deze zorgvorm hebben vol of afgewezen.",
        "De zorg die het kind nodig heeft, koopt de regio niet in; gevraagd om bovenregionale expertise en een plek daarbuiten.",
        "Geen aanbieder in de regio heeft ervaring met deze combinatie van problemen; gevraagd om bovenregionaal mee te zoeken.",
    ];

    private void AddCaseworkersFilesAndEscalations()
    {
        var held = _data.Holds.Where(h => h.Status == "active").Select(h => h.RequestId).ToHashSet();
        var indexOf = _data.Requests.Select((request, index) => (request.Id, index)).ToDictionary(p => p.Id, p => p.index);
        foreach (var region in DemoRegions.All)
        {
            var ofRegion = _data.Requests.Where(r => r.RegionCode == region.Code).ToList();
            Escalate(ofRegion.Where(r => r.Status == "open" && r.SiblingGroup is null && !held.Contains(r.Id) && ScarceCare.Contains(r.CareType)
                    && _now - r.RegisteredAt > EscalatedAfter * 1.5)
                .OrderBy(r => r.RegisteredAt).Take(EscalatedPerRegion), indexOf);

            if (_data.Users.FirstOrDefault(u => u.Role == Roles.Caseworker && u.RegionCode == region.Code) is not { } caseworker) continue;
            var open = ofRegion.Where(r => r.Status == "open" && r.SiblingGroup is null).OrderByDescending(r => r.RegisteredAt).ToList();
            var filed = open.Where(r => held.Contains(r.Id)).Take(1)
                .Concat(open.Where((_, i) => i % Math.Max(1, open.Count / FiledWaiting) == 0).Take(FiledWaiting))
                .Concat(ofRegion.Where(r => r.Status == "placed" && _now - r.RegisteredAt < TimeSpan.FromDays(365))
                    .OrderByDescending(r => r.RegisteredAt).Take(FiledPlaced))
                .DistinctBy(r => r.Id);
            foreach (var request in filed)
                _data.Requests[indexOf[request.Id]] = _data.Requests[indexOf[request.Id]] with { CaseworkerId = caseworker.Id };
        }
    }

    private void Escalate(IEnumerable<RequestRow> longestWaiting, Dictionary<Guid, int> indexOf)
    {
        foreach (var (request, n) in longestWaiting.Select((r, n) => (r, n)))
        {
            // On the first working day's morning after six weeks of looking.
            var at = request.RegisteredAt.Add(EscalatedAfter).UtcDateTime.Date.AddDays(1).AddHours(10 + n);
            while (at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) at = at.AddDays(1);
            var escalatedAt = new DateTimeOffset(at, TimeSpan.Zero);
            if (escalatedAt >= _now) continue;
            _data.Requests[indexOf[request.Id]] = _data.Requests[indexOf[request.Id]] with
            {
                EscalatedAt = escalatedAt,
                EscalationReason = EscalationReasons[(indexOf[request.Id] + n) % EscalationReasons.Length],
            };
        }
    }
}
