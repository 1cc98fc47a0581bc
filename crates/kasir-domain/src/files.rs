//! What an uploaded file is for. Images for a product, a profile or an attendance check must be
//! images; product and CMS images are public (a guest's menu shows them without a login).

/// The `purpose` of `POST /files`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilePurpose {
    ProductImage,
    ProfileImage,
    AttendancePhoto,
    TicketAttachment,
    Cms,
    Branding,
    Document,
}

impl FilePurpose {
    pub const ALL: [FilePurpose; 7] = [
        FilePurpose::ProductImage,
        FilePurpose::ProfileImage,
        FilePurpose::AttendancePhoto,
        FilePurpose::TicketAttachment,
        FilePurpose::Cms,
        FilePurpose::Branding,
        FilePurpose::Document,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FilePurpose::ProductImage => "product_image",
            FilePurpose::ProfileImage => "profile_image",
            FilePurpose::AttendancePhoto => "attendance_photo",
            FilePurpose::TicketAttachment => "ticket_attachment",
            FilePurpose::Cms => "cms",
            FilePurpose::Branding => "branding",
            FilePurpose::Document => "document",
        }
    }

    pub fn parse(s: &str) -> Option<FilePurpose> {
        FilePurpose::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Only images are accepted.
    pub fn images_only(self) -> bool {
        matches!(self, FilePurpose::ProductImage | FilePurpose::ProfileImage | FilePurpose::AttendancePhoto)
    }

    /// Readable by anyone who has its id (shown to guests and on public pages).
    pub fn is_public(self) -> bool {
        matches!(self, FilePurpose::ProductImage | FilePurpose::Cms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_round_trip() {
        for p in FilePurpose::ALL {
            assert_eq!(FilePurpose::parse(p.as_str()), Some(p));
        }
        assert_eq!(FilePurpose::parse("avatar"), None);
    }
}
