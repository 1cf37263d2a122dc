using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RuntimeAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RuntimeAlerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SourceId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DedupeKey = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    Rule = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Priority = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    IocClass = table.Column<int>(type: "INTEGER", nullable: false),
                    IocEvidence = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Output = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Tags = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OccurrenceCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastBatchId = table.Column<long>(type: "INTEGER", nullable: true),
                    ClusterName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ClusterId = table.Column<int>(type: "INTEGER", nullable: true),
                    NamespaceName = table.Column<string>(type: "TEXT", maxLength: 253, nullable: true),
                    Workload = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    Pod = table.Column<string>(type: "TEXT", maxLength: 253, nullable: true),
                    Container = table.Column<string>(type: "TEXT", maxLength: 253, nullable: true),
                    Image = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Process = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    CommandLine = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    User = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Hostname = table.Column<string>(type: "TEXT", maxLength: 253, nullable: true),
                    FieldsJson = table.Column<string>(type: "TEXT", maxLength: 32000, nullable: true),
                    OwnerTeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    Triage = table.Column<int>(type: "INTEGER", nullable: false),
                    TriagedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TriagedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    TriageNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    SuppressedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RuntimeAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RuntimeAlerts_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_RuntimeAlerts_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "SiemOutbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    EntityId = table.Column<long>(type: "INTEGER", nullable: false),
                    EventJson = table.Column<string>(type: "TEXT", maxLength: 40000, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiemOutbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RuntimeAlertEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    From = table.Column<int>(type: "INTEGER", nullable: true),
                    To = table.Column<int>(type: "INTEGER", nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    BatchId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RuntimeAlertEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RuntimeAlertEvents_RuntimeAlerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "RuntimeAlerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlertEvents_AlertId_At",
                table: "RuntimeAlertEvents",
                columns: new[] { "AlertId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_ClusterId",
                table: "RuntimeAlerts",
                column: "ClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_DedupeKey",
                table: "RuntimeAlerts",
                column: "DedupeKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_IocClass_LastSeenAt",
                table: "RuntimeAlerts",
                columns: new[] { "IocClass", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_LastSeenAt",
                table: "RuntimeAlerts",
                column: "LastSeenAt");

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_OwnerTeamId_LastSeenAt",
                table: "RuntimeAlerts",
                columns: new[] { "OwnerTeamId", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_SuppressedBy_LastSeenAt",
                table: "RuntimeAlerts",
                columns: new[] { "SuppressedBy", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_Triage_LastSeenAt",
                table: "RuntimeAlerts",
                columns: new[] { "Triage", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SiemOutbox_Kind_EntityId",
                table: "SiemOutbox",
                columns: new[] { "Kind", "EntityId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SiemOutbox_Status_NextAttemptAt",
                table: "SiemOutbox",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RuntimeAlertEvents");

            migrationBuilder.DropTable(
                name: "SiemOutbox");

            migrationBuilder.DropTable(
                name: "RuntimeAlerts");
        }
    }
}
