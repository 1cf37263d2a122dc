using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AlertsGovernanceRemediationReporting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LandscapeSnapshots_TeamId",
                table: "LandscapeSnapshots");

            migrationBuilder.AddColumn<string>(
                name: "Assignee",
                table: "Findings",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Workflow",
                table: "Findings",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ExecutiveReports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: false),
                    PeriodEnd = table.Column<DateOnly>(type: "date", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Trigger = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Sha256 = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    SizeBytes = table.Column<int>(type: "int", nullable: false),
                    Content = table.Column<byte[]>(type: "varbinary(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExecutiveReports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FindingComments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FindingId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Author = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FindingComments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FindingComments_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LandscapeCells",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Dimension = table.Column<int>(type: "int", nullable: false),
                    Key = table.Column<string>(type: "nvarchar(760)", maxLength: 760, nullable: true),
                    TeamId = table.Column<int>(type: "int", nullable: true),
                    ClusterId = table.Column<int>(type: "int", nullable: true),
                    Category = table.Column<int>(type: "int", nullable: false),
                    Severity = table.Column<int>(type: "int", nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false),
                    OverdueCount = table.Column<int>(type: "int", nullable: false),
                    ExposedCount = table.Column<int>(type: "int", nullable: false),
                    PrivilegedCount = table.Column<int>(type: "int", nullable: false),
                    OnTimeCount = table.Column<int>(type: "int", nullable: false),
                    RemediationHours = table.Column<double>(type: "float", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LandscapeCells", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RaciVersions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Version = table.Column<int>(type: "int", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Comment = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Matrix = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ViolationCount = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RaciVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RemediationMetricSnapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    TeamId = table.Column<int>(type: "int", nullable: true),
                    Open = table.Column<int>(type: "int", nullable: false),
                    Overdue = table.Column<int>(type: "int", nullable: false),
                    ClosedInPeriod = table.Column<int>(type: "int", nullable: false),
                    MttrHours = table.Column<double>(type: "float", nullable: true),
                    SlaCompliancePercent = table.Column<double>(type: "float", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RemediationMetricSnapshots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RemediationMetricSnapshots_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "RiskAcceptances",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FindingId = table.Column<long>(type: "bigint", nullable: true),
                    RuleId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ClusterId = table.Column<int>(type: "int", nullable: true),
                    NamespaceName = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    ImageRepository = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true),
                    Severity = table.Column<int>(type: "int", nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    Status = table.Column<int>(type: "int", nullable: false),
                    RequestedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    RequestedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    RequestedBySubject = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    DecidedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    DecidedBySubject = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    DecisionComment = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    ExpiredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RiskAcceptances", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RiskAcceptances_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_RiskAcceptances_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_RiskAcceptances_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "RuntimeAlerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Source = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SourceId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    DedupeKey = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    Rule = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Priority = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: true),
                    Severity = table.Column<int>(type: "int", nullable: false),
                    IocClass = table.Column<int>(type: "int", nullable: false),
                    IocEvidence = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    Output = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    Tags = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    OccurredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    FirstSeenAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    OccurrenceCount = table.Column<int>(type: "int", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LastBatchId = table.Column<long>(type: "bigint", nullable: true),
                    ClusterName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ClusterId = table.Column<int>(type: "int", nullable: true),
                    NamespaceName = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    Workload = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    Pod = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    Container = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    Image = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    Process = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    CommandLine = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    User = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Hostname = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    FieldsJson = table.Column<string>(type: "nvarchar(max)", maxLength: 32000, nullable: true),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true),
                    Triage = table.Column<int>(type: "int", nullable: false),
                    TriagedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    TriagedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    TriageNote = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    SuppressedBy = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true)
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
                name: "SavedViews",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    OwnerUserId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    OwnerName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    QueryString = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    IsShared = table.Column<bool>(type: "bit", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedViews", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SiemOutbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    EntityId = table.Column<long>(type: "bigint", nullable: false),
                    EventJson = table.Column<string>(type: "nvarchar(max)", maxLength: 40000, nullable: false),
                    Status = table.Column<int>(type: "int", nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    LastError = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiemOutbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TeamNotificationTargets",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    TeamId = table.Column<int>(type: "int", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    AddressProtected = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    DisplayAddress = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Enabled = table.Column<bool>(type: "bit", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    LastSentAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LastError = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamNotificationTargets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TeamNotificationTargets_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TenancyAssessments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Application = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true),
                    Status = table.Column<int>(type: "int", nullable: false),
                    AnswersJson = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false),
                    Score = table.Column<int>(type: "int", nullable: false),
                    Recommendation = table.Column<int>(type: "int", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    SubmittedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ReviewedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    ReviewedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ReviewComment = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    ReassessDueAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TenancyAssessments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TenancyAssessments_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "RiskAcceptanceCoverage",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    RiskAcceptanceId = table.Column<long>(type: "bigint", nullable: false),
                    FindingId = table.Column<long>(type: "bigint", nullable: false),
                    CoveredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RiskAcceptanceCoverage", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RiskAcceptanceCoverage_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_RiskAcceptanceCoverage_RiskAcceptances_RiskAcceptanceId",
                        column: x => x.RiskAcceptanceId,
                        principalTable: "RiskAcceptances",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RuntimeAlertEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Actor = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    From = table.Column<int>(type: "int", nullable: true),
                    To = table.Column<int>(type: "int", nullable: true),
                    Note = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    BatchId = table.Column<long>(type: "bigint", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "SlaBreachNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FindingId = table.Column<long>(type: "bigint", nullable: false),
                    TeamId = table.Column<int>(type: "int", nullable: false),
                    TargetId = table.Column<int>(type: "int", nullable: false),
                    SlaDueAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaBreachNotifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SlaBreachNotifications_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SlaBreachNotifications_TeamNotificationTargets_TargetId",
                        column: x => x.TargetId,
                        principalTable: "TeamNotificationTargets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LandscapeSnapshots_TeamId_Day",
                table: "LandscapeSnapshots",
                columns: new[] { "TeamId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_Findings_ClusterId_Status_LastSeenAt",
                table: "Findings",
                columns: new[] { "ClusterId", "Status", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Findings_OwnerTeamId_Status_SlaDueAt",
                table: "Findings",
                columns: new[] { "OwnerTeamId", "Status", "SlaDueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Findings_Status_Severity_LastSeenAt",
                table: "Findings",
                columns: new[] { "Status", "Severity", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Action_At",
                table: "AuditEvents",
                columns: new[] { "Action", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Actor_At",
                table: "AuditEvents",
                columns: new[] { "Actor", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_EntityType_EntityId",
                table: "AuditEvents",
                columns: new[] { "EntityType", "EntityId" });

            migrationBuilder.CreateIndex(
                name: "IX_ExecutiveReports_CreatedAt",
                table: "ExecutiveReports",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ExecutiveReports_PeriodStart_PeriodEnd",
                table: "ExecutiveReports",
                columns: new[] { "PeriodStart", "PeriodEnd" });

            migrationBuilder.CreateIndex(
                name: "IX_FindingComments_FindingId_At",
                table: "FindingComments",
                columns: new[] { "FindingId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_LandscapeCells_Dimension_TeamId_ClusterId",
                table: "LandscapeCells",
                columns: new[] { "Dimension", "TeamId", "ClusterId" });

            migrationBuilder.CreateIndex(
                name: "IX_RaciVersions_Version",
                table: "RaciVersions",
                column: "Version",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RemediationMetricSnapshots_Day_TeamId",
                table: "RemediationMetricSnapshots",
                columns: new[] { "Day", "TeamId" },
                unique: true,
                filter: "[TeamId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_RemediationMetricSnapshots_TeamId",
                table: "RemediationMetricSnapshots",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptanceCoverage_FindingId",
                table: "RiskAcceptanceCoverage",
                column: "FindingId");

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptanceCoverage_RiskAcceptanceId_FindingId",
                table: "RiskAcceptanceCoverage",
                columns: new[] { "RiskAcceptanceId", "FindingId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptances_ClusterId",
                table: "RiskAcceptances",
                column: "ClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptances_FindingId",
                table: "RiskAcceptances",
                column: "FindingId");

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptances_OwnerTeamId_Status",
                table: "RiskAcceptances",
                columns: new[] { "OwnerTeamId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptances_Status_ExpiresAt",
                table: "RiskAcceptances",
                columns: new[] { "Status", "ExpiresAt" });

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
                name: "IX_SavedViews_OwnerUserId_Name",
                table: "SavedViews",
                columns: new[] { "OwnerUserId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SiemOutbox_Kind_EntityId",
                table: "SiemOutbox",
                columns: new[] { "Kind", "EntityId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SiemOutbox_Status_NextAttemptAt",
                table: "SiemOutbox",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SlaBreachNotifications_FindingId_SlaDueAt_TargetId",
                table: "SlaBreachNotifications",
                columns: new[] { "FindingId", "SlaDueAt", "TargetId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SlaBreachNotifications_TargetId",
                table: "SlaBreachNotifications",
                column: "TargetId");

            migrationBuilder.CreateIndex(
                name: "IX_SlaBreachNotifications_TeamId_SentAt",
                table: "SlaBreachNotifications",
                columns: new[] { "TeamId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TeamNotificationTargets_TeamId",
                table: "TeamNotificationTargets",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_TenancyAssessments_Application_Status",
                table: "TenancyAssessments",
                columns: new[] { "Application", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_TenancyAssessments_OwnerTeamId_Status",
                table: "TenancyAssessments",
                columns: new[] { "OwnerTeamId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_TenancyAssessments_ReassessDueAt",
                table: "TenancyAssessments",
                column: "ReassessDueAt");

            K8Posture.Features.Audit.AuditLogProtection.Up(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            K8Posture.Features.Audit.AuditLogProtection.Down(migrationBuilder);

            migrationBuilder.DropTable(
                name: "ExecutiveReports");

            migrationBuilder.DropTable(
                name: "FindingComments");

            migrationBuilder.DropTable(
                name: "LandscapeCells");

            migrationBuilder.DropTable(
                name: "RaciVersions");

            migrationBuilder.DropTable(
                name: "RemediationMetricSnapshots");

            migrationBuilder.DropTable(
                name: "RiskAcceptanceCoverage");

            migrationBuilder.DropTable(
                name: "RuntimeAlertEvents");

            migrationBuilder.DropTable(
                name: "SavedViews");

            migrationBuilder.DropTable(
                name: "SiemOutbox");

            migrationBuilder.DropTable(
                name: "SlaBreachNotifications");

            migrationBuilder.DropTable(
                name: "TenancyAssessments");

            migrationBuilder.DropTable(
                name: "RiskAcceptances");

            migrationBuilder.DropTable(
                name: "RuntimeAlerts");

            migrationBuilder.DropTable(
                name: "TeamNotificationTargets");

            migrationBuilder.DropIndex(
                name: "IX_LandscapeSnapshots_TeamId_Day",
                table: "LandscapeSnapshots");

            migrationBuilder.DropIndex(
                name: "IX_Findings_ClusterId_Status_LastSeenAt",
                table: "Findings");

            migrationBuilder.DropIndex(
                name: "IX_Findings_OwnerTeamId_Status_SlaDueAt",
                table: "Findings");

            migrationBuilder.DropIndex(
                name: "IX_Findings_Status_Severity_LastSeenAt",
                table: "Findings");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_Action_At",
                table: "AuditEvents");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_Actor_At",
                table: "AuditEvents");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_EntityType_EntityId",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "Assignee",
                table: "Findings");

            migrationBuilder.DropColumn(
                name: "Workflow",
                table: "Findings");

            migrationBuilder.CreateIndex(
                name: "IX_LandscapeSnapshots_TeamId",
                table: "LandscapeSnapshots",
                column: "TeamId");
        }
    }
}
