using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Audit;
using K8Posture.Features.Findings;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Inventory;
using K8Posture.Features.Landscape;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace K8Posture.UnitTests.Data.SqlServer;

/// <summary>
/// The SQL Server path checked without a server: the migration script, every raw statement it runs and the SQL EF
/// sends for the hot queries are parsed as T-SQL, and the tables and columns the raw statements name are checked
/// against the SQL Server model (and the bulk copy's against the tables the migrations create).
/// </summary>
public sealed class SqlServerScriptFacts
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 30, 0, TimeSpan.Zero);

    private static SqlServerK8PostureDbContext DesignTimeContext() => new SqlServerDesignTimeFactory().CreateDbContext([]);

    private static string IdempotentMigrationScript()
    {
        using var db = DesignTimeContext();
        return db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
    }

    /// <summary>Every table of the SQL Server model with its columns, as the model maps them.</summary>
    private static Dictionary<string, HashSet<string>> ModelTables()
    {
        using var db = DesignTimeContext();
        var tables = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var entity in db.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is not { } name)
            {
                continue;
            }
            var table = StoreObjectIdentifier.Table(name, entity.GetSchema());
            if (!tables.TryGetValue(name, out var columns))
            {
                tables[name] = columns = new HashSet<string>(StringComparer.Ordinal);
            }
            foreach (var property in entity.GetProperties())
            {
                if (property.GetColumnName(table) is { } column)
                {
                    columns.Add(column);
                }
            }
        }
        return tables;
    }

    /// <summary>Fails unless every table the statement names is in the model and every column it names is a column of one of them.</summary>
    private static void AssertNamesExistInModel(TSqlFragment statement, string what, params string[] aliases)
    {
        var model = ModelTables();
        var (tables, columns) = TSql.NamesIn(statement);
        Assert.NotEmpty(tables);
        var unknownTables = tables.Where(t => !model.ContainsKey(t)).ToList();
        Assert.True(unknownTables.Count == 0, $"{what} names tables the SQL Server model lacks: {string.Join(", ", unknownTables)}");
        var known = tables.SelectMany(t => model[t]).Concat(aliases).ToHashSet(StringComparer.Ordinal);
        var unknownColumns = columns.Where(c => !known.Contains(c)).ToList();
        Assert.True(unknownColumns.Count == 0, $"{what} names columns that {string.Join(", ", tables)} lack in the SQL Server model: {string.Join(", ", unknownColumns)}");
    }

    private static DataScope SystemScope() => SqliteTestDatabase.SystemScope();

    private static DataScope AppTeamMemberScope()
    {
        var scope = new DataScope();
        scope.SetUser(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "member@example.com"), new Claim(ClaimTypes.Role, Roles.AppTeamMember), new Claim(K8PostureClaims.Team, "7")],
            "test", ClaimTypes.Name, ClaimTypes.Role)));
        return scope;
    }

    [Fact]
    public void The_idempotent_migration_script_parses()
    {
        var script = IdempotentMigrationScript();

        Assert.Contains("CREATE TABLE [Findings]", script);
        Assert.Contains("__EFMigrationsHistory", script);
        TSql.Parse(script, "idempotent migration script");
        using var db = DesignTimeContext();
        var migrations = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(migrations);
        Assert.All(migrations, id => Assert.Contains($"N'{id}'", script));
    }

    [Fact]
    public void The_create_script_parses()
    {
        using var db = DesignTimeContext();
        TSql.Parse(db.Database.GenerateCreateScript(), "create script");
    }

    [Fact]
    public void The_migrations_create_every_model_column()
    {
        var schema = MigratedSchema.From(TSql.Parse(IdempotentMigrationScript(), "idempotent migration script"));

        foreach (var (table, columns) in ModelTables())
        {
            Assert.True(schema.TryGetValue(table, out var created), $"The migrations never create table {table}.");
            var missing = columns.Except(created).ToList();
            Assert.True(missing.Count == 0, $"The migrations leave {table} without {string.Join(", ", missing)}.");
        }
    }

    [Fact]
    public void The_audit_trigger_parses_and_guards_the_audit_table()
    {
        // CREATE TRIGGER runs inside EXEC(N'…') in the migration, so its body is parsed on its own too.
        var trigger = TSql.Parse(AuditLogProtection.SqlServerCreateTrigger, "audit trigger");
        TSql.Parse(AuditLogProtection.SqlServerUp, "audit trigger migration (up)");
        TSql.Parse(AuditLogProtection.SqlServerDown, "audit trigger migration (down)");

        var create = Assert.IsType<CreateTriggerStatement>(Assert.Single(Assert.Single(((TSqlScript)trigger).Batches).Statements));
        Assert.Equal(TriggerType.InsteadOf, create.TriggerType);
        Assert.Equal(new[] { TriggerActionType.Update, TriggerActionType.Delete }.Order(), create.TriggerActions.Select(a => a.TriggerActionType).Order());
        AssertNamesExistInModel(trigger, "audit trigger");
        Assert.Contains(AuditLogProtection.SqlServerTrigger, IdempotentMigrationScript());
    }

    [Fact]
    public void The_parser_refuses_what_sql_server_would_refuse()
    {
        // The SQLite twin of the audit trigger (CREATE TRIGGER IF NOT EXISTS, RAISE(ABORT …)) is not T-SQL: the check can fail.
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => TSql.Parse(AuditLogProtection.SqliteUp, "SQLite audit trigger"));
        Assert.Contains("parse error", failure.Message);
    }

    [Fact]
    public async Task The_ingest_app_lock_parses()
    {
        var server = new RecordingSqlServer(SystemScope());
        await using var db = server.Open();

        await IngestPipeline.LockAsync(db, "trivy:cluster/prod-eu", CancellationToken.None);

        var sql = Assert.Single(server.Commands);
        Assert.Contains("sp_getapplock", sql);
        var parsed = TSql.Parse(sql, "ingest lock");
        var execute = parsed.ScriptTokenStream.Where(t => t.TokenType == TSqlTokenType.Identifier).Select(t => t.Text);
        Assert.Contains("sp_getapplock", execute);
    }

    [Fact]
    public async Task The_landscape_cell_rebuild_parses_and_names_only_model_columns()
    {
        var server = new RecordingSqlServer(SystemScope());
        await using var db = server.Open();

        await LandscapeCubeBuilder.RebuildAsync(db, Now, CancellationToken.None);

        var sql = Assert.Single(server.Commands);
        var parsed = TSql.Parse(sql, "landscape cell rebuild");
        var (tables, _) = TSql.NamesIn(parsed);
        Assert.Equal(["Findings", "LandscapeCells", "LandscapeSnapshots"], tables.Order());
        AssertNamesExistInModel(parsed, "landscape cell rebuild");
    }

    [Fact]
    public async Task The_rebuild_of_some_clusters_cells_parses_and_replaces_only_their_cells_and_the_rollups()
    {
        var server = new RecordingSqlServer(SystemScope());
        await using var db = server.Open();

        await LandscapeCubeBuilder.RebuildAsync(db, Now, CellPartition.Of([7, 3, null]), CancellationToken.None);

        var sql = Assert.Single(server.Commands);
        var parsed = TSql.Parse(sql, "landscape cell rebuild of clusters 3 and 7");
        AssertNamesExistInModel(parsed, "landscape cell rebuild of clusters 3 and 7");
        Assert.Contains("DELETE FROM \"LandscapeCells\" WHERE (\"Dimension\" IN (0, 1, 2, 3) AND (\"ClusterId\" IN (3, 7) OR \"ClusterId\" IS NULL)) OR \"Dimension\" NOT IN (0, 1, 2, 3);", sql);
        Assert.Contains("FROM \"Findings\" WHERE \"Status\" = 0 AND \"Resolution\" = 0 AND (\"ClusterId\" IN (3, 7) OR \"ClusterId\" IS NULL)", sql);
    }

    [Fact]
    public async Task The_column_check_catches_a_column_the_model_lacks()
    {
        var server = new RecordingSqlServer(SystemScope());
        await using var db = server.Open();
        await LandscapeCubeBuilder.RebuildAsync(db, Now, CancellationToken.None);
        var misspelled = TSql.Parse(Assert.Single(server.Commands).Replace("\"OverdueCount\"", "\"OverdueCnt\"", StringComparison.Ordinal), "misspelled rebuild");

        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertNamesExistInModel(misspelled, "misspelled rebuild"));
        Assert.Contains("OverdueCnt", failure.Message);
    }

    [Fact]
    public void The_bulk_copy_column_maps_are_columns_of_the_migrated_tables()
    {
        using var db = DesignTimeContext();
        var schema = MigratedSchema.From(TSql.Parse(IdempotentMigrationScript(), "idempotent migration script"));
        var model = ModelTables();

        // Every entity the ingestion writes through BulkInserter (findings, sightings, events, egress observations).
        foreach (var type in new[] { typeof(Finding), typeof(FindingSighting), typeof(FindingEvent), typeof(EgressObservation) })
        {
            var table = BulkInserter.Table.For(db.Model, type);
            Assert.NotEmpty(table.Columns);
            Assert.True(schema.TryGetValue(table.Name, out var created), $"The bulk copy writes {table.Name}, which the migrations never create.");
            foreach (var column in table.Columns)
            {
                Assert.True(created.Contains(column.Name), $"The bulk copy maps {table.Name}.{column.Name}, which the migrated table lacks.");
                Assert.Contains(column.Name, model[table.Name]);
            }
            // SqlBulkCopy asks the server for the destination's shape with this statement.
            var destination = table.Schema is null ? $"[{table.Name}]" : $"[{table.Schema}].[{table.Name}]";
            TSql.Parse($"SELECT {string.Join(", ", table.Columns.Select(c => $"[{c.Name}]"))} FROM {destination} WHERE 1 = 0;", $"bulk copy of {table.Name}");
        }
    }

    [Fact]
    public async Task The_ingestion_close_and_reopen_statements_parse()
    {
        var server = new RecordingSqlServer(SystemScope());
        await using var db = server.Open();

        await FindingStore.CloseFindingsAsync(db, [1, 2, 3], Now, CancellationToken.None);
        await FindingStore.ReopenSightingsAsync(db, [4, 5], Now, batchId: 42, CancellationToken.None);

        Assert.Equal(2, server.Commands.Count);
        var close = TSql.Parse(server.Commands[0], "close findings");
        var reopen = TSql.Parse(server.Commands[1], "reopen sightings");
        Assert.Contains("Findings", TSql.NamesIn(close).Tables);
        Assert.Contains("FindingSightings", TSql.NamesIn(reopen).Tables);
        // The id list travels as one JSON parameter (OPENJSON), so no statement has a parameter per id.
        Assert.All(server.Commands, sql => Assert.Contains("OPENJSON", sql));
    }

    public static TheoryData<FindingSortField, bool> SortOrders()
    {
        var data = new TheoryData<FindingSortField, bool>();
        foreach (var field in Enum.GetValues<FindingSortField>())
        {
            data.Add(field, true);
        }
        data.Add(FindingSortField.Title, false);
        return data;
    }

    [Theory]
    [MemberData(nameof(SortOrders))]
    public async Task The_findings_page_queries_parse(FindingSortField sortBy, bool descending)
    {
        foreach (var scope in new[] { SystemScope(), AppTeamMemberScope() })
        {
            var server = new RecordingSqlServer(scope);
            var criteria = new FindingsCriteria(
                Category: FindingCategory.Vulnerability, Severity: FindingSeverity.High, Search: "openssl 50%_[x]",
                SortBy: sortBy, Descending: descending, Namespace: "payments", Registry: "ghcr.io", Rules: "K8P-PSS-002");

            var page = await new FindingsQuery(server).ListAsync(criteria, pageIndex: 2, pageSize: 50);

            Assert.Equal(0, page.Total);
            Assert.Contains(server.Commands, sql => sql.Contains("COUNT(", StringComparison.Ordinal));
            Assert.Contains(server.Commands, sql => sql.Contains("OFFSET", StringComparison.Ordinal) && sql.Contains("FETCH NEXT", StringComparison.Ordinal));
            foreach (var sql in server.Commands)
            {
                TSql.Parse(sql, $"findings page ({sortBy}, descending {descending})");
            }
        }
    }

    [Fact]
    public async Task The_landscape_queries_parse()
    {
        foreach (var (scope, filter) in new[] { (SystemScope(), new LandscapeFilter()), (AppTeamMemberScope(), new LandscapeFilter(Severity: FindingSeverity.Critical, RangeDays: 30)) })
        {
            var server = new RecordingSqlServer(scope);
            var services = new ServiceCollection().AddSingleton<IDbContextFactory<K8PostureDbContext>>(server).BuildServiceProvider();
            using var cube = new LandscapeCubeRefresher(services.GetRequiredService<IServiceScopeFactory>(),
                new LandscapeChangeNotifier(NullLogger<LandscapeChangeNotifier>.Instance),
                new RuntimeSignalsChangeNotifier(NullLogger<RuntimeSignalsChangeNotifier>.Instance), NullLoggerFactory.Instance);
            var queries = new LandscapeQueries(server, cube, new NoRuntimeSignals());

            var summary = await queries.GetSummaryAsync(filter);
            await queries.GetFilterChoicesAsync();

            Assert.True(summary.IsEmpty);
            Assert.Contains(server.Commands, sql => sql.Contains("[LandscapeCells]", StringComparison.Ordinal));
            Assert.True(server.Commands.Count >= 5, $"expected the summary's queries, recorded {server.Commands.Count}");
            foreach (var sql in server.Commands)
            {
                TSql.Parse(sql, "landscape query");
            }
        }
    }

    private sealed class NoRuntimeSignals : ILandscapeSignalSource
    {
        public Task<RuntimeSignals> GetAsync(LandscapeSignalQuery query, CancellationToken cancellationToken) => Task.FromResult(RuntimeSignals.NoData);
    }
}
