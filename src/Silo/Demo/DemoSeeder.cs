using System.Data.Common;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Demo;

/// <summary>Writes the demo market into an empty database, in one transaction; does nothing when data is there.</summary>
public sealed class DemoSeeder(Database database)
{
    public sealed record SeedResult(bool Seeded, IReadOnlyList<(string Table, int Rows)> Counts);

    public async Task<bool> HasDataAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM regions") > 0;
    }

    public async Task<SeedResult> SeedAsync(DemoData data, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        // Checked inside the write transaction, so two nodes starting at once cannot both seed.
        if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM regions", transaction: transaction) > 0)
            return new SeedResult(false, []);

        var counts = new List<(string, int)>();
        async Task Write<T>(string table, string sql, IReadOnlyCollection<T> rows)
        {
            progress?.Invoke($"  {table}: {rows.Count:N0} rows");
            await connection.ExecuteAsync(sql, rows, transaction);
            counts.Add((table, rows.Count));
        }

        await Write("regions", "INSERT INTO regions (code, name, lat, lon, desk_phone, desk_email) VALUES (@Code, @Name, @Lat, @Lon, @DeskPhone, @DeskEmail)", data.Regions);
        await Write("region_population", "INSERT INTO region_population (region_code, year, children, loaded_at) VALUES (@RegionCode, @Year, @Children, @LoadedAt)", data.Population);
        await Write("municipalities", "INSERT INTO municipalities (id, region_code, name, lat, lon) VALUES (@Id, @RegionCode, @Name, @Lat, @Lon)", data.Municipalities);
        await Write("organisations", "INSERT INTO organisations (id, kind, name, region_code, municipality_id) VALUES (@Id, @Kind, @Name, @RegionCode, @MunicipalityId)", data.Organisations);
        await Write("users", """
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at)
            VALUES (@Id, @Email, @DisplayName, @Role, @RegionCode, @OrganisationId, NULL, true, @CreatedAt)
            """, data.Users);
        await Write("api_clients", """
            INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at)
            VALUES (@Id, @Name, @TokenHash, @Role, @RegionCode, @OrganisationId, @Scopes, true, @CreatedAt)
            """, data.ApiClients.Select(c => new { c.Id, c.Name, TokenHash = ApiTokens.Hash(c.Token), c.Role, c.RegionCode, c.OrganisationId, c.Scopes, c.CreatedAt }).ToList());
        await Write("locations", "INSERT INTO locations (id, provider_id, name, municipality_id, pc4, lat, lon) VALUES (@Id, @ProviderId, @Name, @MunicipalityId, @Pc4, @Lat, @Lon)", data.Locations);
        await Write("offerings", """
            INSERT INTO offerings (id, location_id, provider_id, care_type, subtype, min_age, max_age, genders, secure, specialisms,
                                   total_units, occupied_units, held_units, earliest_start, last_confirmed_at, version)
            VALUES (@Id, @LocationId, @ProviderId, @CareType, @Subtype, @MinAge, @MaxAge, @Genders, @Secure, @Specialisms,
                    @TotalUnits, @OccupiedUnits, @HeldUnits, @EarliestStart, @LastConfirmedAt, 1)
            """, data.Offerings);
        await Write("contracts", "INSERT INTO contracts (region_code, offering_id, budget_ceiling_reached, valid_from) VALUES (@RegionCode, @OfferingId, @BudgetCeilingReached, @ValidFrom)", data.Contracts);
        await Write("requests", """
            INSERT INTO requests (id, region_code, case_reference, measure_type, measure_start, urgency, care_type, needs, needs_secure,
                                  birth_month, gender, home_pc4, home_lat, home_lon, max_distance_km, sibling_group, child_wishes,
                                  parent_wishes, status, registered_at, closed_at, created_by, municipality_id, caseworker_id,
                                  escalated_at, escalation_reason, version)
            VALUES (@Id, @RegionCode, @CaseReference, @MeasureType, @MeasureStart, @Urgency, @CareType, @Needs, @NeedsSecure,
                    @BirthMonth, @Gender, @HomePc4, @HomeLat, @HomeLon, @MaxDistanceKm, @SiblingGroup, @ChildWishes,
                    @ParentWishes, @Status, @RegisteredAt, @ClosedAt, @CreatedBy, @MunicipalityId, @CaseworkerId,
                    @EscalatedAt, @EscalationReason, 1)
            """, data.Requests);
        await Write("holds", """
            INSERT INTO holds (id, region_code, request_id, offering_id, status, created_at, expires_at, answered_at, decline_reason, decline_note, created_by)
            VALUES (@Id, @RegionCode, @RequestId, @OfferingId, @Status, @CreatedAt, @ExpiresAt, @AnsweredAt, @DeclineReason, @DeclineNote, @CreatedBy)
            """, data.Holds);
        await Write("placements", """
            INSERT INTO placements (id, region_code, request_id, offering_id, hold_id, start_date, end_date, end_reason, second_best, created_at)
            VALUES (@Id, @RegionCode, @RequestId, @OfferingId, NULL, @StartDate, @EndDate, @EndReason, @SecondBest, @CreatedAt)
            """, data.Placements);
        await AddExpertiseNetworksAsync(connection, transaction);
        await AddLocationContactsAsync(connection, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO audit_log (at, actor_id, actor_kind, role, organisation_id, region_code, action, subject_type, subject_id, detail)
            VALUES (@at, NULL, 'system', NULL, NULL, NULL, 'demo-seeded', 'database', NULL, @detail)
            """, new { at = DateTimeOffset.UtcNow, detail = $"{data.Requests.Count} requests, {data.Offerings.Count} offerings" }, transaction);

        await transaction.CommitAsync(cancellationToken);
        return new SeedResult(true, counts);
    }

    public async Task<bool> HasDemoAccountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE is_demo = true") > 0;
    }

    /// <summary>Demo systems keep up with the scopes new operations need, and the demo with the expertise networks, also in a demo database seeded before them.</summary>
    public async Task RefreshDemoScopesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync("UPDATE api_clients SET scopes = @scopes WHERE is_demo = true AND role = 'provider' AND scopes <> @scopes",
            new { scopes = DemoDataGenerator.ProviderSystemScopes }, transaction);
        await connection.ExecuteAsync("UPDATE api_clients SET scopes = @scopes WHERE is_demo = true AND role = 'desk' AND scopes <> @scopes",
            new { scopes = DemoDataGenerator.DeskSystemScopes }, transaction);
        await AddExpertiseNetworksAsync(connection, transaction);
        await AddRequestMunicipalitiesAsync(connection, transaction);
        await AddLocationContactsAsync(connection, transaction);
        await AddDeskContactsAsync(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Demo locations get an intake e-mail address (on the reserved .example domain, so no mail reaches anyone), where their
    /// provider has not set a contact; no phone numbers: any number made up could be somebody's.
    /// </summary>
    private static async Task AddLocationContactsAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction)
    {
        var missing = (await connection.QueryAsync<LocationOfProvider>("""
            SELECT l.id AS Id, p.name AS ProviderName FROM locations l JOIN organisations p ON p.id = l.provider_id
            WHERE NOT EXISTS (SELECT 1 FROM location_contacts c WHERE c.location_id = l.id)
            """, transaction: transaction)).ToList();
        var now = DateTimeOffset.UtcNow;
        foreach (var location in missing)
        {
            var domain = new string(location.ProviderName.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
            await connection.ExecuteAsync("""
                INSERT INTO location_contacts (location_id, phone, email, updated_at, updated_by) VALUES (@Id, NULL, @email, @now, NULL)
                """, new { location.Id, email = $"intake@{(domain.Length == 0 ? "aanbieder" : domain)}.example", now }, transaction);
        }
    }

    /// <summary>
    /// A demo database seeded before regions had a desk contact: each demo region gets the seed's mailbox. One seeded with the
    /// invented 088 000 … lines loses them (they could be somebody's number); a desk's own contact is left alone.
    /// </summary>
    private static async Task AddDeskContactsAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction)
    {
        await connection.ExecuteAsync("""
            UPDATE regions SET desk_phone = NULL WHERE desk_phone LIKE '088 000 %' AND desk_email LIKE @demoMailbox
            """, new { demoMailbox = "%@" + DemoDataGenerator.DemoEmailDomain }, transaction);
        foreach (var region in DemoDataGenerator.DeskContacts())
            await connection.ExecuteAsync("""
                UPDATE regions SET desk_phone = @DeskPhone, desk_email = @DeskEmail WHERE code = @Code AND desk_phone IS NULL AND desk_email IS NULL
                """, region, transaction);
    }

    private sealed class LocationOfProvider
    {
        public Guid Id { get; init; }
        public string ProviderName { get; init; } = "";
    }

    /// <summary>
    /// A demo database seeded before requests recorded the child's municipality: each demo child gets the municipality of its
    /// region nearest its home (the demo put every home near one). Only in the demo: real requests without one stay without.
    /// </summary>
    private static async Task AddRequestMunicipalitiesAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction)
    {
        var missing = (await connection.QueryAsync<HomeRow>(
            "SELECT id AS Id, region_code AS RegionCode, home_lat AS Lat, home_lon AS Lon FROM requests WHERE municipality_id IS NULL", transaction: transaction)).ToList();
        if (missing.Count == 0) return;
        var municipalities = (await connection.QueryAsync<HomeRow>("SELECT id AS Id, region_code AS RegionCode, lat AS Lat, lon AS Lon FROM municipalities",
            transaction: transaction)).ToLookup(m => m.RegionCode);
        foreach (var request in missing)
        {
            var nearest = municipalities[request.RegionCode].MinBy(m => Math.Abs(m.Lat - request.Lat) + Math.Abs(m.Lon - request.Lon));
            if (nearest is null) continue;
            await connection.ExecuteAsync("UPDATE requests SET municipality_id = @municipality WHERE id = @id AND region_code = @regionCode",
                new { municipality = nearest.Id, id = request.Id, regionCode = request.RegionCode }, transaction);
        }
    }

    private sealed class HomeRow
    {
        public Guid Id { get; init; }
        public string RegionCode { get; init; } = "";
        public double Lat { get; init; }
        public double Lon { get; init; }
    }

    /// <summary>
    /// The demo's eight expertise networks, each region in one, a demo network user seated in every region, and the demo national user
    /// (the seed brings them; a demo database seeded before them gets them here). Only what is missing is added.
    /// </summary>
    private static async Task AddExpertiseNetworksAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction)
    {
        foreach (var network in DemoNetworks.All)
        {
            await connection.ExecuteAsync("""
                INSERT INTO expertise_networks (code, name) SELECT @Code, @Name
                WHERE NOT EXISTS (SELECT 1 FROM expertise_networks WHERE code = @Code)
                """, network, transaction);
            foreach (var region in network.Regions)
            {
                await connection.ExecuteAsync("UPDATE regions SET network_code = @network WHERE code = @region AND network_code IS NULL",
                    new { network = network.Code, region }, transaction);
                await connection.ExecuteAsync("""
                    INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
                    SELECT @id, @email, @name, 'network', @region, NULL, NULL, true, @now, @stamp
                    WHERE EXISTS (SELECT 1 FROM regions WHERE code = @region) AND NOT EXISTS (SELECT 1 FROM users WHERE email = @email)
                    """, new { id = Guid.NewGuid(), email = DemoDataGenerator.DemoEmail(Roles.Network, region), name = $"Demo-{network.Name}",
                        region, now = DateTimeOffset.UtcNow, stamp = Guid.NewGuid().ToString() }, transaction);
            }
        }
        await connection.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            SELECT @id, @email, 'Demo ministerie, NZa en inspecties', 'national', NULL, NULL, NULL, true, @now, @stamp
            WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = @email)
            """, new { id = Guid.NewGuid(), email = DemoDataGenerator.NationalDemoEmail, now = DateTimeOffset.UtcNow, stamp = Guid.NewGuid().ToString() }, transaction);
    }

    public async Task<int> RemoveDemoAccountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var removed = await connection.ExecuteAsync("DELETE FROM users WHERE is_demo = true", transaction: transaction)
            + await connection.ExecuteAsync("DELETE FROM api_clients WHERE is_demo = true", transaction: transaction);
        if (removed > 0)
            await connection.ExecuteAsync("""
                INSERT INTO audit_log (at, actor_id, actor_kind, role, organisation_id, region_code, action, subject_type, subject_id, detail)
                VALUES (@at, NULL, 'system', NULL, NULL, NULL, 'demo-accounts-removed', 'database', NULL, @detail)
                """, new { at = DateTimeOffset.UtcNow, detail = $"{removed} demo accounts and tokens" }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    /// <summary>Demo mode turned on again over the demo market: its accounts come back (those whose organisation still exists).</summary>
    public async Task<int> RestoreDemoAccountsAsync(DemoData data, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var restored = await connection.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at)
            SELECT @Id, @Email, @DisplayName, @Role, @RegionCode, @OrganisationId, NULL, true, @CreatedAt
            WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = @Email OR id = @Id)
              AND (@RegionCode IS NULL OR EXISTS (SELECT 1 FROM regions WHERE code = @RegionCode))
              AND (@OrganisationId IS NULL OR EXISTS (SELECT 1 FROM organisations WHERE id = @OrganisationId))
            """, data.Users, transaction);
        restored += await connection.ExecuteAsync("""
            INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at)
            SELECT @Id, @Name, @TokenHash, @Role, @RegionCode, @OrganisationId, @Scopes, true, @CreatedAt
            WHERE NOT EXISTS (SELECT 1 FROM api_clients WHERE token_hash = @TokenHash OR id = @Id)
              AND (@RegionCode IS NULL OR EXISTS (SELECT 1 FROM regions WHERE code = @RegionCode))
              AND (@OrganisationId IS NULL OR EXISTS (SELECT 1 FROM organisations WHERE id = @OrganisationId))
            """, data.ApiClients.Select(c => new { c.Id, c.Name, TokenHash = ApiTokens.Hash(c.Token), c.Role, c.RegionCode, c.OrganisationId, c.Scopes, c.CreatedAt }).ToList(),
            transaction);
        await transaction.CommitAsync(cancellationToken);
        return restored;
    }

    /// <summary>Drops every table and function of the schema, so migrations and the seed can start again from empty.</summary>
    public async Task DropEverythingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await connection.ExecuteAsync("PRAGMA foreign_keys = OFF");
            var tables = await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
            foreach (var table in tables)
                await connection.ExecuteAsync($"DROP TABLE IF EXISTS \"{table}\"");
            await connection.ExecuteAsync("PRAGMA foreign_keys = ON");
            return;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pgTables = await connection.QueryAsync<string>("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()", transaction: transaction);
        foreach (var table in pgTables)
            await connection.ExecuteAsync($"DROP TABLE IF EXISTS \"{table}\" CASCADE", transaction: transaction);
        var functions = await connection.QueryAsync<string>("""
            SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = current_schema() AND p.prokind = 'f'
            """, transaction: transaction);
        foreach (var function in functions)
            await connection.ExecuteAsync($"DROP FUNCTION IF EXISTS {function} CASCADE", transaction: transaction);
        await transaction.CommitAsync(cancellationToken);
    }
}
