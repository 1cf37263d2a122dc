using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace K8Posture.Data;

/// <summary>
/// Inserts many new rows of one entity type in the caller's open transaction, bypassing the change tracker:
/// SQLite — one prepared INSERT reused per row, bound by position (ids: consecutive rowids, checked);
/// SQL Server — SqlBulkCopy. Columns, names and value conversions come from the EF model, so the rows are exactly what
/// SaveChanges would have written. Other providers fall back to EF (AddRange + SaveChanges).
/// </summary>
public static class BulkInserter
{
    /// <summary>Below this many rows EF's own batching is as fast and simpler to reason about.</summary>
    public const int Threshold = 64;

    /// <summary>
    /// Inserts <paramref name="rows"/>. When <paramref name="assignIds"/> is set, each row's generated key is set on it
    /// (SQLite, EF); SQL Server cannot return identities from a bulk copy, so the caller resolves them by a natural key.
    /// </summary>
    /// <returns>True when the ids were assigned.</returns>
    public static async Task<bool> InsertAsync<T>(K8PostureDbContext db, IReadOnlyList<T> rows, bool assignIds, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return true;
        }
        if (rows.Count < Threshold || !(db.Database.IsSqlite() || db.Database.IsSqlServer()))
        {
            db.AddRange(rows);
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
            foreach (var row in rows)
            {
                db.Entry(row).State = EntityState.Detached;
            }
            return true;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk inserts run inside the caller's transaction; begin one first.");
        var table = Table.For(db.Model, typeof(T));
        if (db.Database.IsSqlite())
        {
            InsertSqlite(transaction, table, rows, assignIds);
            return true;
        }
        await InsertSqlServerAsync(transaction, table, rows, cancellationToken);
        return false;
    }

    /// <summary>
    /// One prepared statement on the connection's own sqlite3 handle, bound by position and stepped per row: the ADO.NET
    /// command path re-resolves every parameter by name on each execution, which costs as much as the insert itself here.
    /// The statement runs on the connection that holds the caller's transaction, so it is part of it.
    /// </summary>
    private static void InsertSqlite<T>(DbTransaction transaction, Table table, IReadOnlyList<T> rows, bool assignIds)
    {
        var handle = ((SqliteConnection)transaction.Connection!).Handle!;
        var sql = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""))}) "
            + $"VALUES ({string.Join(", ", table.Columns.Select((_, i) => "?" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))})";
        Check(handle, raw.sqlite3_prepare_v2(handle, sql, out var statement));
        long firstId = 0;
        try
        {
            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r]!;
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    Check(handle, Bind(statement, i + 1, table.Columns[i].Read(row)));
                }
                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(handle, rc);
                }
                Check(handle, raw.sqlite3_reset(statement));
                if (r == 0)
                {
                    firstId = raw.sqlite3_last_insert_rowid(handle);
                }
            }
        }
        finally
        {
            statement.Dispose();
        }
        if (!assignIds)
        {
            return;
        }
        // One writer inside one transaction: SQLite hands out consecutive rowids, which the last one confirms.
        var last = raw.sqlite3_last_insert_rowid(handle);
        if (last != firstId + rows.Count - 1)
        {
            throw new InvalidOperationException($"Bulk insert into {table.Name} got non-consecutive ids ({firstId}..{last} for {rows.Count} rows).");
        }
        for (var r = 0; r < rows.Count; r++)
        {
            table.SetKey(rows[r]!, firstId + r);
        }
    }

    private static int Bind(sqlite3_stmt statement, int index, object value) => value switch
    {
        DBNull => raw.sqlite3_bind_null(statement, index),
        string text => raw.sqlite3_bind_text(statement, index, text),
        long number => raw.sqlite3_bind_int64(statement, index, number),
        int number => raw.sqlite3_bind_int64(statement, index, number),
        short number => raw.sqlite3_bind_int64(statement, index, number),
        byte number => raw.sqlite3_bind_int64(statement, index, number),
        bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
        double real => raw.sqlite3_bind_double(statement, index, real),
        float real => raw.sqlite3_bind_double(statement, index, real),
        byte[] blob => raw.sqlite3_bind_blob(statement, index, blob),
        // As EF's SQLite provider stores a DateOnly.
        DateOnly day => raw.sqlite3_bind_text(statement, index, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"Bulk insert cannot bind a {value.GetType().Name}; convert it in the model."),
    };

    private static void Check(sqlite3 handle, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            throw new SqliteException(raw.sqlite3_errmsg(handle).utf8_to_string(), rc, raw.sqlite3_extended_errcode(handle));
        }
    }

    private static async Task InsertSqlServerAsync<T>(DbTransaction transaction, Table table, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        using var data = new DataTable(table.Name);
        foreach (var column in table.Columns)
        {
            data.Columns.Add(column.Name, column.ProviderType);
        }
        foreach (var row in rows)
        {
            var values = new object[table.Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = table.Columns[i].Read(row!);
            }
            data.Rows.Add(values);
        }
        using var bulk = new SqlBulkCopy((SqlConnection)transaction.Connection!, SqlBulkCopyOptions.CheckConstraints | SqlBulkCopyOptions.KeepNulls, (SqlTransaction)transaction)
        {
            DestinationTableName = table.Schema is null ? $"[{table.Name}]" : $"[{table.Schema}].[{table.Name}]",
            BatchSize = 10_000,
            BulkCopyTimeout = 0,
        };
        foreach (var column in table.Columns)
        {
            bulk.ColumnMappings.Add(column.Name, column.Name);
        }
        await bulk.WriteToServerAsync(data, cancellationToken);
    }

    /// <summary>An entity's table as the EF model maps it: every stored property but a generated key (a natural key, such as a CVE id, is written).</summary>
    public sealed class Table
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IModel, Type), Table> Cache = new();

        private Table(string name, string? schema, IProperty key, IReadOnlyList<Column> columns)
        {
            Name = name;
            Schema = schema;
            Key = key;
            Columns = columns;
        }

        public string Name { get; }
        public string? Schema { get; }
        public IProperty Key { get; }
        public IReadOnlyList<Column> Columns { get; }

        public static Table For(IModel model, Type clrType) => Cache.GetOrAdd((model, clrType), static key =>
        {
            var entityType = key.Item1.FindEntityType(key.Item2) ?? throw new InvalidOperationException($"{key.Item2.Name} is not in the model.");
            var name = entityType.GetTableName()!;
            var store = StoreObjectIdentifier.Table(name, entityType.GetSchema());
            var primaryKey = entityType.FindPrimaryKey()!.Properties.Single();
            var columns = entityType.GetProperties()
                .Where(p => !p.IsPrimaryKey() || p.ValueGenerated == ValueGenerated.Never)
                .Select(p => new Column(p.GetColumnName(store)!, p))
                .ToList();
            return new Table(name, entityType.GetSchema(), primaryKey, columns);
        });

        public void SetKey(object row, object providerValue)
        {
            var converter = Key.GetTypeMapping().Converter;
            var value = converter is null
                ? Convert.ChangeType(providerValue, Key.ClrType, System.Globalization.CultureInfo.InvariantCulture)
                : converter.ConvertFromProvider(providerValue);
            Key.PropertyInfo!.SetValue(row, value);
        }
    }

    public sealed class Column
    {
        private readonly IClrPropertyGetter _getter;
        private readonly Func<object?, object?>? _toProvider;

        public Column(string name, IProperty property)
        {
            Name = name;
            _getter = property.GetGetter();
            var mapping = property.GetTypeMapping();
            _toProvider = mapping.Converter?.ConvertToProvider;
            var providerType = mapping.Converter?.ProviderClrType ?? property.ClrType;
            ProviderType = Nullable.GetUnderlyingType(providerType) ?? providerType;
        }

        public string Name { get; }
        public Type ProviderType { get; }

        public object Read(object row)
        {
            var value = _getter.GetClrValueUsingContainingEntity(row);
            if (value is null)
            {
                return DBNull.Value;
            }
            return _toProvider is null ? value : _toProvider(value) ?? DBNull.Value;
        }
    }
}
