using Bogus;
using Matchmaker.Matching;
using Matchmaker.Silo.Access;

namespace Matchmaker.Silo.Demo;

/// <summary>Everything the demo writes, generated in memory.</summary>
public sealed class DemoData
{
    public List<RegionRow> Regions { get; } = [];
    public List<PopulationRow> Population { get; } = [];
    public List<MunicipalityRow> Municipalities { get; } = [];
    public List<OrganisationRow> Organisations { get; } = [];
    public List<UserRow> Users { get; } = [];
    public List<ApiClientRow> ApiClients { get; } = [];
    public List<LocationRow> Locations { get; } = [];
    public List<OfferingRow> Offerings { get; } = [];
    public List<ContractRow> Contracts { get; } = [];
    public List<RequestRow> Requests { get; } = [];
    public List<HoldRow> Holds { get; } = [];
    public List<PlacementRow> Placements { get; } = [];
}

/// <summary>How much demo data: 1.0 is the national picture (600 providers, 4,000 offerings, 3,000 waiting children).</summary>
public sealed record DemoScale(int Providers, int Locations, int Offerings, int OpenRequests, int PastRequests, int DeclinedHolds)
{
    public static readonly DemoScale National = new(600, 1_500, 4_000, 3_000, 4_000, 1_500);
    public static readonly DemoScale Small = new(60, 150, 400, 300, 200, 100);
}

/// <summary>
/// Generates a realistic national market, the same every time for the same seed and date:
/// scarce secure and mental-health capacity, plenty of ambulatory slots, some full offerings,
/// children waiting up to a year, sibling groups, and two years of placement history.
/// </summary>
public sealed partial class DemoDataGenerator
{
    public const int DefaultSeed = 20261122;
    public const string DemoEmailDomain = "demo.matchmaker.example";

    /// <summary>The demo's national user (ministry, NZa, inspectorates): no region, all regions' aggregates.</summary>
    public const string NationalDemoEmail = "landelijk@" + DemoEmailDomain;

    private sealed record CareProfile(
        string CareType, double OfferWeight, double DemandWeight, int MinTotal, int MaxTotal, int MaxFree, double FullShare,
        int MinAge, int MaxAge);

    private static readonly CareProfile[] Profiles =
    [
        new(CareTypes.Residential, 18, 16, 4, 12, 2, 0.35, 6, 18),
        new(CareTypes.FamilyHome, 10, 10, 2, 5, 1, 0.60, 0, 18),
        new(CareTypes.HomeCare24h, 3, 3, 2, 6, 2, 0.40, 0, 18),
        new(CareTypes.FosterCrisis, 5, 4, 1, 2, 1, 0.50, 0, 18),
        new(CareTypes.FosterShort, 6, 6, 1, 3, 1, 0.50, 0, 18),
        new(CareTypes.FosterLong, 8, 7, 1, 3, 1, 0.55, 0, 18),
        new(CareTypes.CrisisPlace, 5, 4, 2, 6, 1, 0.60, 0, 18),
        new(CareTypes.StepDown, 5, 4, 2, 8, 2, 0.40, 12, 18),
        new(CareTypes.Secure, 2, 4, 8, 24, 1, 0.80, 12, 18),
        new(CareTypes.SupervisedContact, 14, 12, 10, 40, 15, 0.10, 0, 18),
        new(CareTypes.MentalHealthDiagnostics, 8, 8, 5, 30, 3, 0.50, 4, 18),
        new(CareTypes.MentalHealthTreatment, 10, 12, 5, 30, 2, 0.60, 4, 18),
        new(CareTypes.MotherAndChildHome, 2, 2, 3, 8, 1, 0.60, 14, 23),
        new(CareTypes.Forensic, 2, 2, 4, 10, 1, 0.60, 12, 23),
        new(CareTypes.Addiction, 2, 2, 5, 15, 3, 0.40, 12, 23),
        new(CareTypes.ComplexDivorce, 4, 4, 10, 30, 8, 0.15, 0, 18),
    ];

    private static readonly string[] CertifiedInstitutions =
    [
        "Jeugdbescherming Noord", "Jeugdbescherming Overijssel", "Jeugdbescherming Gelderland", "Samen Veilig Midden-Nederland",
        "Jeugdbescherming Regio Amsterdam", "Jeugdbescherming Noord-Holland", "Jeugdbescherming west", "Jeugdbescherming Rotterdam Rijnmond",
        "Intervence", "Jeugdbescherming Brabant", "Jeugdbescherming Limburg", "William Schrikker Stichting",
        "Leger des Heils Jeugdbescherming & Reclassering", "Jeugdbescherming Flevoland", "Nidos", "Jeugd & Gezinsbeschermers Zuid-Holland Zuid",
    ];

    /// <summary>The certified institution (gecertificeerde instelling) that works for the region's children.</summary>
    private static string? RegionalInstitution(string regionCode) => regionCode switch
    {
        "groningen" or "friesland" or "drenthe" => "Jeugdbescherming Noord",
        "ijsselland" or "twente" => "Jeugdbescherming Overijssel",
        "noord-veluwe" or "stedendriehoek" or "achterhoek" or "centraal-gelderland" or "rijk-van-nijmegen" or "foodvalley" or "rivierenland"
            => "Jeugdbescherming Gelderland",
        "flevoland" => "Jeugdbescherming Flevoland",
        "utrecht-stad" or "utrecht-west" or "lekstroom" or "zuidoost-utrecht" or "amersfoort" => "Samen Veilig Midden-Nederland",
        "amsterdam-amstelland" or "zaanstreek-waterland" => "Jeugdbescherming Regio Amsterdam",
        "gooi-en-vechtstreek" or "zuid-kennemerland" or "ijmond" or "haarlemmermeer" or "noord-holland-noord" or "west-friesland"
            => "Jeugdbescherming Noord-Holland",
        "holland-rijnland" or "haaglanden" or "midden-holland" => "Jeugdbescherming west",
        "rijnmond" => "Jeugdbescherming Rotterdam Rijnmond",
        "zuid-holland-zuid" or "alblasserwaard" => "Jeugd & Gezinsbeschermers Zuid-Holland Zuid",
        "zeeland" => "Intervence",
        "noord-limburg" or "midden-limburg" or "zuid-limburg" => "Jeugdbescherming Limburg",
        "west-brabant-west" or "west-brabant-oost" or "hart-van-brabant" or "noordoost-brabant" or "zuidoost-brabant" or "helmond-de-peel"
            => "Jeugdbescherming Brabant",
        _ => null,
    };

    // No "Gezinshuis" or "Pleegzorg": a provider offers several care types, and such a name would promise only one.
    private static readonly string[] ProviderPrefixes = ["Stichting", "Zorggroep", "Jeugdhulp", "Jeugdzorg", "Kinder- en Jeugdcentrum", "Jeugd- en Gezinshulp", "Zorgcentrum", "Jeugdzorggroep"];
    private static readonly string[] ChildWishes = ["Op dezelfde school blijven", "Samen met mijn broertje of zusje", "Mijn hond mag mee", "Dicht bij mijn voetbalclub", "Contact met oma houden", "Niet in een grote groep"];
    private static readonly string[] ParentWishes = ["Plaatsing dicht bij huis", "Begeleide omgang elke week", "Geen plaatsing buiten de provincie", "Kind blijft op de huidige school", "Pleeggezin met dezelfde geloofsovertuiging"];
    private static readonly string[] DeclineReasons = ["no-capacity", "needs-not-met", "group-composition", "safety", "distance", "other"];

    private readonly Random _random;
    private readonly Faker _faker;
    private readonly DateOnly _asOf;
    private readonly DateTimeOffset _now;
    private readonly DemoScale _scale;
    private readonly DemoData _data = new();
    private readonly Dictionary<string, List<MunicipalityRow>> _municipalitiesByRegion = [];
    private readonly Dictionary<string, string[]> _nearestRegions = [];

    public DemoDataGenerator(int seed, DateOnly asOf, DemoScale scale)
    {
        _random = new Random(seed);
        _faker = new Faker("nl") { Random = new Randomizer(seed) };
        _asOf = asOf;
        _now = new DateTimeOffset(asOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        _scale = scale;
    }

    public static DemoData Generate(int seed, DateOnly asOf, DemoScale scale) => new DemoDataGenerator(seed, asOf, scale).Generate();

    public static string DemoEmail(string role, string regionCode) => $"{role}.{regionCode}@{DemoEmailDomain}";
    public static string DemoToken(string role, string regionCode) => $"mm_demo_{role}_{regionCode}";

    /// <summary>What the demo systems may do; a demo database seeded earlier gets these at start-up.</summary>
    public const string ProviderSystemScopes = "capacity:write proposals:answer placements:end events:read";
    public const string DeskSystemScopes = "requests:write matching:run holds:write capacity:read placements:end audit:read events:read";

    private DemoData Generate()
    {
        AddRegionsAndMunicipalities();
        var providers = AddOrganisations();
        AddLocations(providers);
        AddOfferingsAndContracts();
        AddOpenRequests();
        AddHistory();
        AddActiveHolds();
        AddNetworkUsers();
        AddCaseworkersFilesAndEscalations();
        return _data;
    }

    private void AddRegionsAndMunicipalities()
    {
        foreach (var region in DemoRegions.All)
        {
            _data.Regions.Add(new RegionRow(region.Code, region.Name, region.Lat, region.Lon, DeskPhone(region), DeskEmail(region)));
            // About 3.4 million children in the country, shared by the regions' weights (rounded to hundreds, as CBS publishes).
            _data.Population.Add(new PopulationRow(region.Code, _asOf.Year, (int)Math.Round(region.Weight * 590) * 100, _now));
            // Only real municipalities of the region: a desk or gemeente knows an invented one at a glance.
            // Each where it really lies: a municipality put at random around the region's centre took another town's postcodes.
            var municipalities = region.Municipalities.Select(name =>
            {
                var (lat, lon) = DemoMunicipalityCentres.Of(name);
                return new MunicipalityRow(NewId(), region.Code, name, lat, lon);
            }).ToList();
            _municipalitiesByRegion[region.Code] = municipalities;
            _data.Municipalities.AddRange(municipalities);
        }
        foreach (var region in DemoRegions.All)
        {
            _nearestRegions[region.Code] = DemoRegions.All
                .Where(other => other.Code != region.Code)
                .OrderBy(other => Math.Pow(other.Lat - region.Lat, 2) + Math.Pow((other.Lon - region.Lon) * 0.62, 2))
                .Take(4).Select(other => other.Code).ToArray();
        }
    }

    private List<OrganisationRow> AddOrganisations()
    {
        var created = _now.AddYears(-2);
        var institutions = CertifiedInstitutions.Select(name => new OrganisationRow(NewId(), "certified-institution", name, null, null)).ToList();
        _data.Organisations.AddRange(institutions);

        var providers = new List<OrganisationRow>();
        var usedNames = new HashSet<string>();
        for (var i = 0; i < _scale.Providers; i++)
        {
            // The first 42 providers are based one in each region, so every region has a demo provider.
            var home = i < DemoRegions.All.Count ? DemoRegions.All[i] : PickWeightedRegion();
            var name = $"{Pick(ProviderPrefixes)} {_faker.Name.LastName()}{(i % 3 == 0 ? " " + Pick(_municipalitiesByRegion[home.Code]).Name : "")}";
            // The names run out before the providers do at national scale: a name taken gets its home region, then a number.
            if (!usedNames.Add(name)) name = Unique($"{name} {home.Name}", usedNames);
            providers.Add(new OrganisationRow(NewId(), "provider", name, home.Code, null));
        }
        _data.Organisations.AddRange(providers);

        for (var r = 0; r < DemoRegions.All.Count; r++)
        {
            var region = DemoRegions.All[r];
            var firstMunicipality = _municipalitiesByRegion[region.Code][0];
            var desk = new OrganisationRow(NewId(), "desk", $"Zorgbemiddelingstafel {region.Name}", region.Code, null);
            var municipality = new OrganisationRow(NewId(), "municipality", $"Gemeente {firstMunicipality.Name} (inkoop jeugdregio {region.Name})", region.Code, firstMunicipality.Id);
            _data.Organisations.Add(desk);
            _data.Organisations.Add(municipality);
            // The region's own certified institution, as a desk worker there knows it.
            var institution = institutions.Find(i => i.Name == RegionalInstitution(region.Code)) ?? institutions[r % institutions.Count];
            var provider = providers[r % providers.Count];

            AddDemoUser(Roles.Desk, $"Demo-bemiddelaar {region.Name}", region.Code, desk.Id, created);
            AddDemoUser(Roles.Provider, $"Demo-aanbieder {provider.Name}", region.Code, provider.Id, created);
            AddDemoUser(Roles.Municipality, $"Demo-gemeente {region.Name}", region.Code, municipality.Id, created);
            AddDemoUser(Roles.Caseworker, $"Demo-jeugdbeschermer {institution.Name}", region.Code, institution.Id, created);
            _data.ApiClients.Add(new ApiClientRow(NewId(), $"Demo provider system of {provider.Name}", DemoToken(Roles.Provider, region.Code),
                Roles.Provider, null, provider.Id, ProviderSystemScopes, created));
            _data.ApiClients.Add(new ApiClientRow(NewId(), $"Demo desk system {region.Name}", DemoToken(Roles.Desk, region.Code),
                Roles.Desk, region.Code, desk.Id, DeskSystemScopes, created));
        }
        _data.Users.Add(new UserRow(NewId(), $"admin@{DemoEmailDomain}", "Demo-beheerder", Roles.Admin, null, null, created));
        return providers;
    }

    /// <summary>A demo user of each region's expertise network, seated in the region. Last, so the market before it stays as it was.</summary>
    private void AddNetworkUsers()
    {
        var created = _now.AddYears(-2);
        foreach (var region in DemoRegions.All)
            _data.Users.Add(new UserRow(NewId(), DemoEmail(Roles.Network, region.Code), $"Demo-{DemoNetworks.Of(region.Code).Name}", Roles.Network,
                region.Code, null, created));
    }

    /// <summary>Every demo region's desk contact (a demo database seeded before the contacts gets them at start-up).</summary>
    public static IEnumerable<RegionRow> DeskContacts() =>
        DemoRegions.All.Select(region => new RegionRow(region.Code, region.Name, region.Lat, region.Lon, DeskPhone(region), DeskEmail(region)));

    /// <summary>The desk's functional mailbox, on the demo's reserved .example domain: no mail reaches anyone.</summary>
    private static string DeskEmail(DemoRegion region) => $"zorgbemiddeling-{region.Code}@{DemoEmailDomain}";

    /// <summary>
    /// The demo desks have no phone line, only the functional mailbox: any Dutch number made up for a demo could be somebody's
    /// (no range is reserved for fiction), and a demo is shown to people who might call it. The pages then show the mailbox only.
    /// </summary>
    private static string? DeskPhone(DemoRegion region) => null;

    private static string Unique(string name, HashSet<string> used)
    {
        var candidate = name;
        for (var n = 2; !used.Add(candidate); n++) candidate = $"{name} {n}";
        return candidate;
    }

    private void AddDemoUser(string role, string displayName, string regionCode, Guid organisationId, DateTimeOffset created)
    {
        // A provider works across regions; its demo user's region says only which region's demo it belongs to.
        var userRegion = role == Roles.Provider ? null : regionCode;
        _data.Users.Add(new UserRow(NewId(), DemoEmail(role, regionCode), displayName, role, userRegion, organisationId, created));
    }

    private void AddLocations(List<OrganisationRow> providers)
    {
        for (var i = 0; i < _scale.Locations; i++)
        {
            var provider = i < providers.Count ? providers[i] : Pick(providers);
            var regionCode = _random.NextDouble() < 0.85 ? provider.RegionCode! : Pick(_nearestRegions[provider.RegionCode!]);
            var municipality = Pick(_municipalitiesByRegion[regionCode]);
            var pc4 = Requests.PostcodeAreas.InMunicipality(municipality.Name, municipality.Lat, municipality.Lon, _random.Next(0, 1_000_000));
            _data.Locations.Add(new LocationRow(NewId(), provider.Id, $"{provider.Name} – locatie {municipality.Name}", municipality.Id, regionCode, pc4,
                Math.Round(municipality.Lat + Jitter(0.03), 5), Math.Round(municipality.Lon + Jitter(0.04), 5)));
        }
    }

    private void AddOfferingsAndContracts()
    {
        var validFrom = _asOf.AddDays(-400);
        for (var i = 0; i < _scale.Offerings; i++)
        {
            var location = i < _data.Locations.Count ? _data.Locations[i] : Pick(_data.Locations);
            var profile = PickWeighted(Profiles, p => p.OfferWeight);
            var total = _random.Next(profile.MinTotal, profile.MaxTotal + 1);
            var free = _random.NextDouble() < profile.FullShare ? 0 : _random.Next(1, Math.Min(profile.MaxFree, total) + 1);
            var (minAge, maxAge) = AgeRange(profile);
            var secure = profile.CareType == CareTypes.Secure;
            var motherAndChild = profile.CareType == CareTypes.MotherAndChildHome;
            var genders = motherAndChild ? "f" : _random.NextDouble() switch { < 0.08 => "f", < 0.16 => "m", _ => "f,m,x" };
            // "Jonge moeder met kind" is what a moeder-kindhuis is for; anywhere else it would be offered to eleven-year-olds.
            var specialisms = string.Join(",", Specialisms.All.Where(need => need == YoungMother
                ? motherAndChild
                : _random.NextDouble() < 0.18 && SuitsSomeChildOf(need, maxAge, genders)));
            DateOnly? earliestStart = CareTypes.Ambulatory.Contains(profile.CareType) ? _asOf.AddDays(_random.Next(0, 120)) : null;
            var offering = new OfferingRow(NewId(), location.Id, location.ProviderId, profile.CareType, null, minAge, maxAge, genders,
                secure, specialisms, total, total - free, 0, earliestStart, _now.AddHours(-ConfirmedHoursAgo()));
            _data.Offerings.Add(offering);

            if (_random.NextDouble() < 0.9)
                _data.Contracts.Add(new ContractRow(location.RegionCode, offering.Id, _random.NextDouble() < 0.05, validFrom));
            foreach (var neighbour in _nearestRegions[location.RegionCode].Take(2).Where(_ => _random.NextDouble() < 0.4))
                _data.Contracts.Add(new ContractRow(neighbour, offering.Id, _random.NextDouble() < 0.05, validFrom));
        }
    }

    private const string YoungMother = "young-mother";

    /// <summary>A need a child of this age and gender can have: no young mothers under 14 or among boys, no addiction under 12.</summary>
    private static bool SuitsChild(string need, int age, string gender) => need switch
    {
        YoungMother => gender == "f" && age >= 14,
        "addiction" => age >= 12,
        "eating-disorder" => age >= 8,
        "sexual-behaviour" => age >= 6,
        _ => age >= 2,
    };

    private static bool SuitsSomeChildOf(string need, int maxAge, string genders) =>
        genders.Split(',').Any(gender => SuitsChild(need, maxAge, gender));

    private (int Min, int Max) AgeRange(CareProfile profile)
    {
        if (profile.CareType == CareTypes.Residential)
            return _random.Next(3) switch { 0 => (6, 12), 1 => (12, 18), _ => (8, 18) };
        if (profile.MinAge == 0 && _random.NextDouble() < 0.3)
            return (0, 12);
        return (profile.MinAge, profile.MaxAge);
    }

    private int ConfirmedHoursAgo() => _random.NextDouble() switch
    {
        < 0.6 => _random.Next(1, 72),
        < 0.85 => _random.Next(72, 24 * 14),
        _ => _random.Next(24 * 14, 24 * 60),
    };

    private void AddOpenRequests()
    {
        var openCount = 0;
        while (openCount < _scale.OpenRequests)
        {
            var region = PickWeightedRegion();
            var profile = PickWeighted(Profiles, p => p.DemandWeight);
            var urgency = PickUrgency(profile);
            var request = NewRequest(region, profile, _now.AddDays(-WaitedDays(urgency)).AddMinutes(-_random.Next(0, 600)), "open", null, urgency);
            _data.Requests.Add(request);
            openCount++;

            var familyCare = profile.CareType is CareTypes.FamilyHome or CareTypes.FosterShort or CareTypes.FosterLong or CareTypes.Residential;
            if (familyCare && _random.NextDouble() < 0.12)
            {
                var group = $"{request.CaseReference}-G";
                _data.Requests[^1] = request with { SiblingGroup = group };
                var siblings = _random.Next(1, 3);
                for (var s = 0; s < siblings; s++)
                {
                    // One measure for the family, judged for each child's own age (an older sibling may be under jeugdreclassering).
                    var sibling = NewRequest(region, profile, request.RegisteredAt, "open", null, request.Urgency, request.MeasureStart) with
                    {
                        SiblingGroup = group, HomePc4 = request.HomePc4, HomeLat = request.HomeLat, HomeLon = request.HomeLon,
                        MunicipalityId = request.MunicipalityId, MaxDistanceKm = request.MaxDistanceKm,
                    };
                    _data.Requests.Add(sibling);
                    openCount++;
                }
            }
        }
    }

    /// <summary>
    /// How urgent the desk judges a child, by the care it waits for: a crisis is a crisis place or crisis foster care (the
    /// only care a crisis can wait for); planned, long-term and ambulatory care is seldom urgent; 24-hour care and treatment more often.
    /// </summary>
    private string PickUrgency(CareProfile profile) => profile.CareType switch
    {
        CareTypes.CrisisPlace or CareTypes.FosterCrisis => Urgencies.Crisis,
        CareTypes.FosterLong or CareTypes.SupervisedContact or CareTypes.ComplexDivorce or CareTypes.MentalHealthDiagnostics
            => _random.NextDouble() < 0.1 ? Urgencies.Urgent : Urgencies.Regular,
        _ => _random.NextDouble() < 0.3 ? Urgencies.Urgent : Urgencies.Regular,
    };

    /// <summary>
    /// A child's age now, as the care it waits for allows (<see cref="Eligibility.CareTypeAges"/>). Only under jeugdreclassering
    /// does youth care go on after 18; the demo's young adults wait for forensic or addiction care, where that fits.
    /// </summary>
    private int ChildAge(CareProfile profile)
    {
        var youngest = Math.Max(profile.MinAge, Eligibility.CareTypeAges.TryGetValue(profile.CareType, out var ages) ? ages.From : 0);
        var oldest = profile.CareType is CareTypes.Forensic or CareTypes.Addiction ? 22 : 17;
        return _random.Next(youngest, Math.Min(profile.MaxAge, oldest) + 1);
    }

    /// <summary>
    /// The measure the child is under, one its age allows (<see cref="Eligibility.MeasureAgesAtStart"/>): a secure place only
    /// with a machtiging gesloten jeugdhulp, a voorlopige OTS only in a crisis, and past 18 (now) only jeugdreclassering, as a
    /// child-protection measure ends at 18.
    /// </summary>
    private string PickMeasure(CareProfile profile, string urgency, int ageAtStart, int ageNow)
    {
        if (profile.CareType == CareTypes.Secure) return MeasureTypes.SecureCareAuthorisation;
        if (ageNow >= 18) return MeasureTypes.JuvenileProbation;
        if (urgency == Urgencies.Crisis && _random.NextDouble() < 0.5) return MeasureTypes.ProvisionalSupervision;
        if (Eligibility.MeasureFits(MeasureTypes.JuvenileProbation, ageAtStart) && _random.NextDouble() < 0.2) return MeasureTypes.JuvenileProbation;
        return _random.NextDouble() switch { < 0.6 => MeasureTypes.Supervision, < 0.75 => MeasureTypes.Guardianship, _ => MeasureTypes.OutOfHomePlacement };
    }

    /// <summary>How long a waiting child has waited: a crisis days, an urgent child weeks to a few months, a regular one up to a year.</summary>
    private int WaitedDays(string urgency) => urgency switch
    {
        Urgencies.Crisis => _random.Next(0, 15),
        Urgencies.Urgent => (int)(120 * Math.Pow(_random.NextDouble(), 1.5)),
        _ => (int)(365 * Math.Pow(_random.NextDouble(), 2)),
    };

    /// <summary>How far from home a child may be placed: ambulatory care close by, residential and secure care further.</summary>
    private int MaxDistanceKm(string careType) => careType switch
    {
        _ when CareTypes.Ambulatory.Contains(careType) => Pick([15, 20, 25, 30]),
        CareTypes.Secure or CareTypes.Forensic or CareTypes.Addiction or CareTypes.MotherAndChildHome => Pick([75, 100]),
        CareTypes.Residential or CareTypes.MentalHealthTreatment or CareTypes.StepDown => Pick([50, 50, 75]),
        _ => Pick([30, 50, 50]),
    };

    private RequestRow NewRequest(DemoRegion region, CareProfile profile, DateTimeOffset registeredAt, string status, DateTimeOffset? closedAt,
        string? urgency = null, DateOnly? measureStart = null)
    {
        var municipality = Pick(_municipalitiesByRegion[region.Code]);
        var age = ChildAge(profile);
        urgency ??= PickUrgency(profile);
        // A crisis is registered the day its measure starts, or a few days after; other children up to two months after.
        var start = measureStart ?? DateOnly.FromDateTime(registeredAt.UtcDateTime).AddDays(-_random.Next(0, urgency == Urgencies.Crisis ? 4 : 60));
        var birth = _asOf.AddYears(-age).AddMonths(-_random.Next(0, 12));
        // Born before the measure started: a baby's measure can start in its birth month (taken into care at birth), never before.
        var birthMonth = new DateOnly(birth.Year, birth.Month, 1);
        if (birthMonth > start) birthMonth = new DateOnly(start.Year, start.Month, 1);
        age = Eligibility.AgeAt(birthMonth, _asOf);
        var measure = PickMeasure(profile, urgency, Eligibility.AgeAt(birthMonth, start), age);
        var motherAndChild = profile.CareType == CareTypes.MotherAndChildHome;
        var gender = Eligibility.CareTypeGender.TryGetValue(profile.CareType, out var only) ? only
            : _random.NextDouble() switch { < 0.48 => "f", < 0.96 => "m", _ => "x" };
        var needsCount = _random.NextDouble() switch { < 0.5 => 0, < 0.85 => 1, _ => 2 };
        // A young mother is in a moeder-kindhuis; elsewhere that need would only make the demo's children implausible.
        var needs = string.Join(",", Specialisms.All.Where(need => need != YoungMother && SuitsChild(need, age, gender)).OrderBy(_ => _random.Next())
            .Take(needsCount).Concat(motherAndChild ? [YoungMother] : []).Order(StringComparer.Ordinal));
        var sequence = _data.Requests.Count + 1;
        var deskUser = _data.Users.First(u => u.Role == Roles.Desk && u.RegionCode == region.Code);
        return new RequestRow(
            NewId(), region.Code, $"{region.Code[..3].ToUpperInvariant()}-{registeredAt.Year}-{sequence:00000}", measure,
            start, urgency, profile.CareType, needs, profile.CareType == CareTypes.Secure, birthMonth,
            gender,
            // A PC4 of the municipality's own area, so the pair passes the engine's rule and a desk worker's eye.
            Requests.PostcodeAreas.InMunicipality(municipality.Name, municipality.Lat, municipality.Lon, _random.Next(0, 1_000_000)),
            Math.Round(municipality.Lat + Jitter(0.03), 4), Math.Round(municipality.Lon + Jitter(0.04), 4),
            MaxDistanceKm(profile.CareType), null,
            _random.NextDouble() < 0.4 ? Pick(ChildWishes) : "", _random.NextDouble() < 0.4 ? Pick(ParentWishes) : "",
            status, registeredAt, closedAt, deskUser.Id, municipality.Id);
    }

    private void AddHistory()
    {
        var offeringsByCareType = _data.Offerings.GroupBy(o => o.CareType).ToDictionary(g => g.Key, g => g.ToList());
        var locationRegion = _data.Locations.ToDictionary(l => l.Id, l => l.RegionCode);
        for (var i = 0; i < _scale.PastRequests; i++)
        {
            var region = PickWeightedRegion();
            var profile = PickWeighted(Profiles, p => p.DemandWeight);
            if (!offeringsByCareType.TryGetValue(profile.CareType, out var candidates)) continue;
            var registeredAt = _now.AddDays(-_random.Next(30, 730));
            var urgency = PickUrgency(profile);
            var placedAt = registeredAt.AddDays(Math.Max(1, WaitedDays(urgency)));
            if (placedAt > _now) placedAt = _now.AddDays(-1);
            var request = NewRequest(region, profile, registeredAt, "placed", placedAt, urgency);
            _data.Requests.Add(request);

            var nearby = candidates.Where(o => locationRegion[o.LocationId] == region.Code || _nearestRegions[region.Code].Contains(locationRegion[o.LocationId])).ToList();
            var start = DateOnly.FromDateTime(placedAt.UtcDateTime);
            var moves = _random.NextDouble() < 0.15 ? _random.Next(1, 4) : 0;
            for (var m = 0; m <= moves; m++)
            {
                var offering = Pick(nearby.Count > 0 && _random.NextDouble() < 0.85 ? nearby : candidates);
                var isLast = m == moves;
                var length = _random.Next(20, 300);
                var end = start.AddDays(length);
                var ended = !isLast || (end < _asOf && _random.NextDouble() < 0.5);
                string? endReason = !isLast ? Pick(["breakdown", "move"]) : ended ? Pick(["planned-end", "planned-end", "breakdown", "move"]) : null;
                if (ended && end >= _asOf) end = _asOf.AddDays(-1);
                if (end < start) end = start;
                _data.Placements.Add(new PlacementRow(NewId(), region.Code, request.Id, offering.Id, start, ended ? end : null, endReason,
                    _random.NextDouble() < 0.12, placedAt));
                start = end;
                if (start >= _asOf) break;
            }
        }

        var closedOrOpen = _data.Requests;
        for (var i = 0; i < _scale.DeclinedHolds; i++)
        {
            var request = Pick(closedOrOpen);
            // Proposed and declined while the child waited: after its registration, before it was placed, and answered before now.
            var until = request.ClosedAt ?? _now;
            var waited = until - request.RegisteredAt;
            if (waited < TimeSpan.FromHours(6) || WithinReach(request, o => true) is not { } offering) continue;
            var created = request.RegisteredAt + waited * (0.1 + 0.6 * _random.NextDouble());
            var answered = created + (until - created) * (0.05 + 0.5 * _random.NextDouble());
            if (answered > created.AddHours(47)) answered = created.AddHours(_random.Next(1, 47));
            _data.Holds.Add(new HoldRow(NewId(), request.RegionCode, request.Id, offering.Id, "declined", created, created.AddHours(48),
                answered, PickWeighted(DeclineReasons, r => r == "no-capacity" ? 3 : r == "needs-not-met" ? 3 : 1),
                _random.NextDouble() < 0.3 ? "Groep is op dit moment te onrustig voor een nieuwe jongere." : null, request.CreatedBy));
        }
    }

    /// <summary>
    /// An offering a desk would really have proposed to this child: its care type, age and gender, within the child's
    /// maximum distance from home (and so in or near its region), chosen at random among those; null when none is.
    /// </summary>
    private OfferingRow? WithinReach(RequestRow request, Func<OfferingRow, bool> also)
    {
        var age = _asOf.Year - request.BirthMonth.Year - (_asOf.Month < request.BirthMonth.Month ? 1 : 0);
        _locationsById ??= _data.Locations.ToDictionary(l => l.Id);
        var fitting = _data.Offerings.Where(o => o.CareType == request.CareType && age >= o.MinAge && age <= o.MaxAge
            && o.Genders.Split(',').Contains(request.Gender) && also(o)
            && Geo.DistanceKm(request.HomeLat, request.HomeLon, _locationsById[o.LocationId].Lat, _locationsById[o.LocationId].Lon) <= request.MaxDistanceKm).ToList();
        return fitting.Count == 0 ? null : Pick(fitting);
    }

    private Dictionary<Guid, LocationRow>? _locationsById;

    private void AddActiveHolds()
    {
        var open = _data.Requests.Where(r => r.Status == "open" && r.SiblingGroup is null).ToList();
        var targetHolds = _scale.OpenRequests / 20;
        for (var i = 0; i < targetHolds; i++)
        {
            var request = Pick(open);
            var needs = request.Needs.Split(',', StringSplitOptions.RemoveEmptyEntries);
            // A running hold is one the matcher would propose: a free unit that meets every need and is secure when needed.
            if (WithinReach(request, o => o.TotalUnits - o.OccupiedUnits - o.HeldUnits > 0 && o.Secure == request.NeedsSecure
                    && needs.All(need => o.Specialisms.Split(',').Contains(need))) is not { } free)
                continue;
            var index = _data.Offerings.IndexOf(free);
            var offering = _data.Offerings[index];
            _data.Offerings[index] = offering with { HeldUnits = offering.HeldUnits + 1 };
            // Placed in the last day, and never before the child was registered.
            var created = _now - TimeSpan.FromHours(Math.Min(_random.Next(1, 20), (_now - request.RegisteredAt).TotalHours * 0.8));
            _data.Holds.Add(new HoldRow(NewId(), request.RegionCode, request.Id, offering.Id, "active", created, created.AddHours(48),
                null, null, null, request.CreatedBy));
        }
    }

    private DemoRegion PickWeightedRegion() => PickWeighted(DemoRegions.All, r => r.Weight);

    private T PickWeighted<T>(IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = items.Sum(weight);
        var roll = _random.NextDouble() * total;
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0) return item;
        }
        return items[^1];
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private double Jitter(double range) => (_random.NextDouble() * 2 - 1) * range;

    private Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
