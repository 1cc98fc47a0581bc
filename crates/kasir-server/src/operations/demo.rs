//! The demo business's operations (`kasir serve --demo`): a few assets (a laptop with Budi), a
//! van and its driver (`demo-driver`) with a short track, tickets, a meeting room with a booking
//! tomorrow, a branding request waiting for Dewi, and published website content.

use kasir_domain::{
    operations::{
        ApprovalStatus, AssetStatus, BookingStatus, DriverStatus, PageKind, PublishStatus, ReviewDecision,
        TicketPriority, TicketStatus, VacancyStatus, VacancyType, VehicleStatus, VehicleType,
    },
    BuiltinRole,
};
use kasir_store::{
    crud::{self, ResourceDef},
    operations::{assets, branding, cms, fleet, rooms, tickets},
    Scope, Tx, Value,
};

/// Writes one record of `def` and returns its id.
async fn put<R>(
    tx: &mut Tx,
    def: &'static ResourceDef,
    scope: &Scope,
    values: &[(&str, Value)],
) -> anyhow::Result<String>
where
    R: for<'r> kasir_store::FromRow<'r, kasir_store::AnyRow> + crud::Record + Send + Unpin,
{
    let id = kasir_domain::ids::new_id();
    let _: R = crud::create(tx, def, scope, &id, values).await?;
    Ok(id)
}

/// `users`: Dewi (owner), Budi, Sari, Joko; `employees`: Budi, Sari, Joko.
pub async fn seed(
    tx: &mut Tx,
    scope: &Scope,
    users: &[String],
    employees: &[String],
    hash: &str,
) -> anyhow::Result<()> {
    let (dewi, budi, sari) = (&users[0], &users[1], &users[2]);
    let today: jiff::civil::Date =
        kasir_domain::time::outlet_clock(jiff::Timestamp::now(), "Asia/Jakarta").date.parse()?;
    let day = |n: i64| -> anyhow::Result<String> { Ok(today.checked_add(jiff::Span::new().days(n))?.to_string()) };

    // Assets: a laptop with Budi since last month, a receipt printer, an air conditioner in service.
    let category = put::<assets::AssetCategory>(
        tx,
        &assets::ASSET_CATEGORIES,
        scope,
        &[
            ("name", Value::from("Elektronik")),
            ("name_key", Value::from("elektronik")),
            ("description", Value::Text(None)),
        ],
    )
    .await?;
    let mut laptop = String::new();
    for (code, name, value, status) in [
        ("LT-001", "Laptop kantor", 9_500_000, AssetStatus::Active),
        ("PR-001", "Printer struk", 1_250_000, AssetStatus::Active),
        ("AC-001", "AC ruang makan", 4_000_000, AssetStatus::Maintenance),
    ] {
        let id = put::<assets::Asset>(
            tx,
            &assets::ASSETS,
            scope,
            &[
                ("asset_code", Value::from(code)),
                ("asset_code_key", Value::from(code.to_lowercase())),
                ("name", Value::from(name)),
                ("category_id", Value::from(category.as_str())),
                ("serial_number", Value::Text(None)),
                ("purchase_date", Value::from(day(-200)?)),
                ("value", Value::from(value)),
                ("status", Value::from(status.as_str())),
                ("location", Value::from("Outlet Sudirman")),
            ],
        )
        .await?;
        if laptop.is_empty() {
            laptop = id;
        }
    }
    let since = day(-30)?;
    put::<assets::Assignment>(
        tx,
        &assets::ASSIGNMENTS,
        scope,
        &[
            ("asset_id", Value::from(laptop.as_str())),
            ("employee_id", Value::from(employees[0].as_str())),
            ("assign_date", Value::from(since.as_str())),
            ("notes", Value::from("Untuk laporan harian")),
        ],
    )
    .await?;
    let _: assets::Asset = crud::update(
        tx,
        &assets::ASSETS,
        scope,
        &laptop,
        None,
        &[("assigned_to", Value::from(employees[0].as_str())), ("assigned_since", Value::from(since))],
    )
    .await?;

    // The fleet: a van and Andi, who drives it (login `demo-driver`), with his last two positions.
    let van = put::<fleet::Vehicle>(
        tx,
        &fleet::VEHICLES,
        scope,
        &[
            ("plate", Value::from("B 1234 KSR")),
            ("plate_key", Value::from("B1234KSR")),
            ("type", Value::from(VehicleType::Van.as_str())),
            ("capacity", Value::from(800)),
            ("status", Value::from(VehicleStatus::Active.as_str())),
        ],
    )
    .await?;
    let login = put::<kasir_store::tenancy::users::User>(
        tx,
        &kasir_store::tenancy::users::USERS,
        scope,
        &[
            ("username_key", Value::from("demo-driver")),
            ("username", Value::from("demo-driver")),
            ("password_hash", Value::from(hash)),
            ("name", Value::from("Andi (driver)")),
            ("email", Value::Text(None)),
            ("role", Value::from(BuiltinRole::Driver.as_str())),
            ("outlet_ids", Value::json(&Vec::<String>::new())),
            ("is_active", Value::from(true)),
        ],
    )
    .await?;
    let driver = put::<fleet::Driver>(
        tx,
        &fleet::DRIVERS,
        scope,
        &[
            ("user_id", Value::from(login)),
            ("name", Value::from("Andi Saputra")),
            ("license_number", Value::from("SIM-B-0912345")),
            ("license_expiry", Value::from(day(700)?)),
            ("phone", Value::from("+628111000010")),
            ("vehicle_type", Value::from(VehicleType::Van.as_str())),
            ("vehicle_id", Value::from(van)),
            ("status", Value::from(DriverStatus::Active.as_str())),
        ],
    )
    .await?;
    let now = jiff::Timestamp::now();
    for (minutes, lat, lon) in [(20, -6_208_763, 106_845_599), (5, -6_200_000, 106_816_666)] {
        let at = kasir_domain::time::format_ts(now - jiff::SignedDuration::from_mins(minutes));
        let ping = fleet::Ping {
            id: kasir_domain::ids::new_id(),
            driver_id: driver.clone(),
            latitude: lat.into(),
            longitude: lon.into(),
            at: at.clone(),
            received_at: at,
        };
        fleet::add_ping(tx, &scope.tenant_id, &ping).await?;
    }

    // Tickets: Sari's printer jams (open), and an older one Budi resolved and she closed.
    for (title, description, priority, status) in [
        ("Printer struk macet", "Kertas tersangkut setiap pagi.", TicketPriority::High, TicketStatus::Open),
        ("Wi-Fi lambat", "Tablet pesanan sering terputus.", TicketPriority::Medium, TicketStatus::Closed),
    ] {
        let closed = status == TicketStatus::Closed;
        let ticket = put::<tickets::Ticket>(
            tx,
            &tickets::TICKETS,
            scope,
            &[
                ("title", Value::from(title)),
                ("description", Value::from(description)),
                ("priority", Value::from(priority.as_str())),
                ("category", Value::from("IT")),
                ("status", Value::from(status.as_str())),
                ("reporter_id", Value::from(sari.as_str())),
                ("assigned_to", Value::from(budi.as_str())),
                ("attachment_file_ids", Value::json(&Vec::<String>::new())),
                ("resolution", Value::Text(closed.then(|| "Router diganti.".to_string()))),
                ("satisfaction", Value::Int(closed.then_some(5))),
                ("resolved_at", Value::Text(closed.then(kasir_domain::time::now))),
                ("closed_at", Value::Text(closed.then(kasir_domain::time::now))),
            ],
        )
        .await?;
        put::<tickets::Comment>(
            tx,
            &tickets::COMMENTS,
            scope,
            &[
                ("ticket_id", Value::from(ticket)),
                ("author_id", Value::from(budi.as_str())),
                ("comment", Value::from("Sedang dicek.")),
                ("internal", Value::from(false)),
            ],
        )
        .await?;
    }

    // A meeting room with Budi's briefing tomorrow.
    let room = put::<rooms::Room>(
        tx,
        &rooms::ROOMS,
        scope,
        &[
            ("name", Value::from("Ruang Melati")),
            ("name_key", Value::from("ruang melati")),
            ("capacity", Value::from(8)),
            ("floor", Value::from("1")),
            ("facilities", Value::json(&["tv", "whiteboard"])),
            ("timezone", Value::from("Asia/Jakarta")),
        ],
    )
    .await?;
    put::<rooms::Booking>(
        tx,
        &rooms::BOOKINGS,
        scope,
        &[
            ("room_id", Value::from(room)),
            ("title", Value::from("Briefing mingguan")),
            ("description", Value::Text(None)),
            ("date", Value::from(day(1)?)),
            ("start_time", Value::from("10:00")),
            ("end_time", Value::from("11:00")),
            ("attendee_ids", Value::json(&[sari.as_str()])),
            ("booked_by", Value::from(budi.as_str())),
            ("status", Value::from(BookingStatus::Booked.as_str())),
        ],
    )
    .await?;

    // A branding request from Budi waiting for Dewi.
    let approval = put::<branding::BrandingApproval>(
        tx,
        &branding::APPROVALS,
        scope,
        &[
            ("title", Value::from("Poster promo akhir tahun")),
            ("description", Value::from("Versi A4 untuk etalase.")),
            ("category", Value::from(kasir_domain::operations::BrandingCategory::Marketing.as_str())),
            ("file_ids", Value::json(&Vec::<String>::new())),
            ("requester_id", Value::from(budi.as_str())),
            ("approver_ids", Value::json(&[dewi.as_str()])),
            ("status", Value::from(ApprovalStatus::Pending.as_str())),
            ("round", Value::from(1)),
        ],
    )
    .await?;
    put::<branding::BrandingReview>(
        tx,
        &branding::REVIEWS,
        scope,
        &[
            ("approval_id", Value::from(approval)),
            ("approver_id", Value::from(dewi.as_str())),
            ("round", Value::from(1)),
            ("decision", Value::from(ReviewDecision::Pending.as_str())),
        ],
    )
    .await?;

    seed_cms(tx, scope, &day(-3)?, &day(30)?).await
}

/// Published website content: two posts, a page of each kind, an ad, a vacancy and a drop point.
async fn seed_cms(tx: &mut Tx, scope: &Scope, from: &str, until: &str) -> anyhow::Result<()> {
    let published = PublishStatus::Published.as_str();
    let now = kasir_domain::time::now();
    for (title, slug, categories, tags) in [
        ("Outlet baru di Sudirman", "outlet-baru-di-sudirman", ["Berita"], ["outlet"]),
        ("Menu kopi musim hujan", "menu-kopi-musim-hujan", ["Menu"], ["kopi"]),
    ] {
        put::<cms::Post>(
            tx,
            &cms::POSTS,
            scope,
            &[
                ("title", Value::from(title)),
                ("slug", Value::from(slug)),
                ("content", Value::from(format!("{title}. Sampai jumpa di Kopi Kasir!"))),
                ("excerpt", Value::from(title)),
                ("categories", Value::json(&categories)),
                ("tags", Value::json(&tags)),
                ("status", Value::from(published)),
                ("published_at", Value::from(now.as_str())),
            ],
        )
        .await?;
    }
    for (kind, def, title, slug) in [
        (PageKind::Training, &cms::TRAINING, "Keamanan pangan", "keamanan-pangan"),
        (PageKind::Careers, &cms::CAREERS, "Berkarier di Kopi Kasir", "berkarier-di-kopi-kasir"),
        (PageKind::Departments, &cms::DEPARTMENTS, "Dapur", "dapur"),
    ] {
        put::<cms::Page>(
            tx,
            def,
            scope,
            &[
                ("kind", Value::from(kind.as_str())),
                ("title", Value::from(title)),
                ("slug", Value::from(slug)),
                ("content", Value::from(format!("{title}."))),
                ("status", Value::from(published)),
                ("published_at", Value::from(now.as_str())),
            ],
        )
        .await?;
    }
    put::<cms::Ad>(
        tx,
        &cms::ADS,
        scope,
        &[
            ("title", Value::from("Diskon 20% kopi susu")),
            ("link", Value::from("/promo")),
            ("placement", Value::from("home_banner")),
            ("start_date", Value::from(from)),
            ("end_date", Value::from(until)),
            ("active", Value::from(true)),
        ],
    )
    .await?;
    put::<cms::Vacancy>(
        tx,
        &cms::VACANCIES,
        scope,
        &[
            ("title", Value::from("Barista")),
            ("slug", Value::from("barista")),
            ("department", Value::from("Bar")),
            ("location", Value::from("Jakarta")),
            ("type", Value::from(VacancyType::FullTime.as_str())),
            ("description", Value::from("Menyeduh kopi dan melayani tamu.")),
            ("salary", Value::from(5_500_000)),
            ("closing_date", Value::from(until)),
            ("status", Value::from(VacancyStatus::Open.as_str())),
        ],
    )
    .await?;
    put::<cms::DropPoint>(
        tx,
        &cms::DROP_POINTS,
        scope,
        &[
            ("name", Value::from("Drop point Sudirman")),
            ("address", Value::from("Jl. Jend. Sudirman No. 1, Jakarta")),
            ("latitude", Value::from(-6_208_763)),
            ("longitude", Value::from(106_845_599)),
            ("opening_hours", Value::from("Senin–Sabtu 08.00–20.00")),
            ("active", Value::from(true)),
        ],
    )
    .await?;
    Ok(())
}
