//! The one table of error codes. Each code has a stable name (the `type` of
//! an API problem document and the translation key `error.<code>` of the HTML
//! message) and an HTTP status. Add a code here and the API, the pages and the
//! translations all learn it; the i18n tests fail until both languages say it.

use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($($variant:ident = ($code:literal, $status:literal);)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode { $($variant,)* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The stable, documented name of the error.
            pub fn code(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status this error is answered with.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }
        }
    };
}

error_codes! {
    // 400: the request itself is malformed.
    MalformedJson = ("malformed_json", 400);
    MalformedRequest = ("malformed_request", 400);
    // 401/403: who you are, and whether you may.
    SignInRequired = ("sign_in_required", 401);
    WrongCredentials = ("wrong_credentials", 401);
    SessionExpired = ("session_expired", 401);
    ApiKeyInvalid = ("api_key_invalid", 401);
    CsrfRejected = ("csrf_rejected", 403);
    Forbidden = ("forbidden", 403);
    ApiScopeMissing = ("api_scope_missing", 403);
    NotASeller = ("not_a_seller", 403);
    AdminOnly = ("admin_only", 403);
    // 404/405/409/413/422/429
    NotFound = ("not_found", 404);
    MethodNotAllowed = ("method_not_allowed", 405);
    EmailTaken = ("email_taken", 409);
    ShopSlugTaken = ("shop_slug_taken", 409);
    AlreadyMember = ("already_member", 409);
    IllegalTransition = ("illegal_transition", 409);
    InvitationUsed = ("invitation_used", 409);
    PayloadTooLarge = ("payload_too_large", 413);
    InvalidEmail = ("invalid_email", 422);
    PasswordTooShort = ("password_too_short", 422);
    PasswordTooLong = ("password_too_long", 422);
    PasswordTooCommon = ("password_too_common", 422);
    PasswordMismatch = ("password_mismatch", 422);
    InvalidName = ("invalid_name", 422);
    InvalidShopName = ("invalid_shop_name", 422);
    InvalidShopSlug = ("invalid_shop_slug", 422);
    InvalidRole = ("invalid_role", 422);
    InvalidScope = ("invalid_scope", 422);
    InvalidLanguage = ("invalid_language", 422);
    InvitationExpired = ("invitation_expired", 422);
    InvitationEmailMismatch = ("invitation_email_mismatch", 422);
    LastOwner = ("last_owner", 422);
    ValidationFailed = ("validation_failed", 422);
    InvalidNik = ("invalid_nik", 422);
    NikBirthDateMismatch = ("nik_birth_date_mismatch", 422);
    NikGenderMismatch = ("nik_gender_mismatch", 422);
    InvalidNpwp = ("invalid_npwp", 422);
    InvalidNib = ("invalid_nib", 422);
    InvalidPhone = ("invalid_phone", 422);
    DocumentEmpty = ("document_empty", 422);
    DocumentTooLarge = ("document_too_large", 422);
    DocumentTypeNotAccepted = ("document_type_not_accepted", 422);
    ImageDimensionsTooLarge = ("image_dimensions_too_large", 422);
    DocumentUnreadable = ("document_unreadable", 422);
    NpwpNikMismatch = ("npwp_nik_mismatch", 422);
    NikShopLimit = ("nik_shop_limit", 422);
    InvalidBirthDate = ("invalid_birth_date", 422);
    InvalidGender = ("invalid_gender", 422);
    InvalidBusinessType = ("invalid_business_type", 422);
    InvalidCategory = ("invalid_category", 422);
    CompanyNameRequired = ("company_name_required", 422);
    InvalidDistrict = ("invalid_district", 422);
    InvalidPostalCode = ("invalid_postal_code", 422);
    InvalidStreet = ("invalid_street", 422);
    InvalidBank = ("invalid_bank", 422);
    InvalidAccountNumber = ("invalid_account_number", 422);
    InvalidDocumentSlot = ("invalid_document_slot", 422);
    StepsIncomplete = ("steps_incomplete", 422);
    ResubmissionUnchanged = ("resubmission_unchanged", 422);
    FindingsRequired = ("findings_required", 422);
    // Catalog and inventory.
    VersionConflict = ("version_conflict", 409);
    SkuCodeTaken = ("sku_code_taken", 409);
    TitleRequired = ("title_required", 422);
    TitleTooShort = ("title_too_short", 422);
    TitleTooLong = ("title_too_long", 422);
    DescriptionRequired = ("description_required", 422);
    DescriptionTooLong = ("description_too_long", 422);
    TooManyBullets = ("too_many_bullets", 422);
    BulletTooLong = ("bullet_too_long", 422);
    InvalidTag = ("invalid_tag", 422);
    TooManyTags = ("too_many_tags", 422);
    InvalidBrand = ("invalid_brand", 422);
    InvalidCondition = ("invalid_condition", 422);
    InvalidGtin = ("invalid_gtin", 422);
    InvalidPreorderDays = ("invalid_preorder_days", 422);
    CategoryRequired = ("category_required", 422);
    UnknownCategory = ("unknown_category", 422);
    CategoryNotALeaf = ("category_not_a_leaf", 422);
    UnknownAttribute = ("unknown_attribute", 422);
    InvalidAttributeValue = ("invalid_attribute_value", 422);
    AttributeRequired = ("attribute_required", 422);
    InvalidOptionName = ("invalid_option_name", 422);
    InvalidOptionValue = ("invalid_option_value", 422);
    DuplicateOptionName = ("duplicate_option_name", 422);
    DuplicateOptionValue = ("duplicate_option_value", 422);
    OptionValuesRequired = ("option_values_required", 422);
    TooManyOptionDimensions = ("too_many_option_dimensions", 422);
    TooManySkus = ("too_many_skus", 422);
    InvalidSkuCode = ("invalid_sku_code", 422);
    PriceRequired = ("price_required", 422);
    PriceOutOfRange = ("price_out_of_range", 422);
    OriginalPriceNotAbove = ("original_price_not_above", 422);
    StockOutOfRange = ("stock_out_of_range", 422);
    StockWouldGoNegative = ("stock_would_go_negative", 422);
    WeightRequired = ("weight_required", 422);
    WeightOutOfRange = ("weight_out_of_range", 422);
    DimensionsRequired = ("dimensions_required", 422);
    DimensionsOutOfRange = ("dimensions_out_of_range", 422);
    ImageRequired = ("image_required", 422);
    ImageEmpty = ("image_empty", 422);
    ImageTypeNotAccepted = ("image_type_not_accepted", 422);
    TooManyImages = ("too_many_images", 422);
    ImageTooSmall = ("image_too_small", 422);
    ImageTooLarge = ("image_too_large", 422);
    ImageUrlInvalid = ("image_url_invalid", 422);
    ImageFileNameInvalid = ("image_file_name_invalid", 422);
    ImageFileMissing = ("image_file_missing", 422);
    ImageAddressRefused = ("image_address_refused", 422);
    ImageDownloadFailed = ("image_download_failed", 422);
    ProductNotEditable = ("product_not_editable", 422);
    NothingSelected = ("nothing_selected", 422);
    SkuCodeRequired = ("sku_code_required", 422);
    VariantRowsIncomplete = ("variant_rows_incomplete", 422);
    CsvEmpty = ("csv_empty", 422);
    CsvNotUtf8 = ("csv_not_utf8", 422);
    CsvMissingColumns = ("csv_missing_columns", 422);
    CsvMalformed = ("csv_malformed", 422);
    ImportRowsRefused = ("import_rows_refused", 422);
    ImportTooLarge = ("import_too_large", 413);
    BulkEditRefused = ("bulk_edit_refused", 422);
    PercentOutOfRange = ("percent_out_of_range", 422);
    EndsBeforeStart = ("ends_before_start", 422);
    EndsInPast = ("ends_in_past", 422);
    PromotionNameRequired = ("promotion_name_required", 422);
    PromotionEmpty = ("promotion_empty", 422);
    PromotionBelowFloor = ("promotion_below_floor", 422);
    PromotionNotBelowBase = ("promotion_not_below_base", 422);
    PromotionNeedsConfirmation = ("promotion_needs_confirmation", 422);
    PromotionNotEditable = ("promotion_not_editable", 409);
    FlashSlotsOverlap = ("flash_slots_overlap", 422);
    FlashQuotaOutOfRange = ("flash_quota_out_of_range", 422);
    BuyerLimitOutOfRange = ("buyer_limit_out_of_range", 422);
    InvalidVoucherCode = ("invalid_voucher_code", 422);
    VoucherCodeTaken = ("voucher_code_taken", 409);
    VoucherQuotaOutOfRange = ("voucher_quota_out_of_range", 422);
    VoucherAmountOutOfRange = ("voucher_amount_out_of_range", 422);
    VoucherExpired = ("voucher_expired", 422);
    VoucherNotStarted = ("voucher_not_started", 422);
    VoucherUsedUp = ("voucher_used_up", 409);
    VoucherLimitReached = ("voucher_limit_reached", 409);
    VoucherMinSpendNotMet = ("voucher_min_spend_not_met", 422);
    VoucherNotApplicable = ("voucher_not_applicable", 422);
    VoucherStacking = ("voucher_stacking", 422);
    QuantityOutOfRange = ("quantity_out_of_range", 422);
    SkuUnavailable = ("sku_unavailable", 422);
    OutOfStock = ("out_of_stock", 409);
    StockShort = ("stock_short", 409);
    FlashLimitReached = ("flash_limit_reached", 409);
    CartFull = ("cart_full", 422);
    CartEmpty = ("cart_empty", 422);
    RatingRequired = ("rating_required", 422);
    RatingOutOfRange = ("rating_out_of_range", 422);
    ReviewTooLong = ("review_too_long", 422);
    ReviewNotYet = ("review_not_yet", 409);
    ReviewWindowClosed = ("review_window_closed", 409);
    // Buyer–seller chat.
    ChatMessageRequired = ("chat_message_required", 422);
    ChatMessageTooLong = ("chat_message_too_long", 422);
    ChatOwnShop = ("chat_own_shop", 422);
    ChatTooFast = ("chat_too_fast", 429);
    QuoteChanged = ("quote_changed", 409);
    AddressRequired = ("address_required", 422);
    InvalidRecipient = ("invalid_recipient", 422);
    InvalidAddressLabel = ("invalid_address_label", 422);
    PostalCodeMismatch = ("postal_code_mismatch", 422);
    TooManyAddresses = ("too_many_addresses", 422);
    ShippingUnavailable = ("shipping_unavailable", 422);
    ShopCannotShip = ("shop_cannot_ship", 422);
    CodNotAllowed = ("cod_not_allowed", 422);
    CodAmountTooHigh = ("cod_amount_too_high", 422);
    PaymentNotNeeded = ("payment_not_needed", 409);
    PaymentClosed = ("payment_closed", 409);
    GatewayUnavailable = ("gateway_unavailable", 503);
    PaymentSignatureInvalid = ("payment_signature_invalid", 401);
    PaymentUnknown = ("payment_unknown", 404);
    PaymentAmountMismatch = ("payment_amount_mismatch", 422);
    PaymentNotRefundable = ("payment_not_refundable", 409);
    RefundAmountInvalid = ("refund_amount_invalid", 422);
    RefundReasonRequired = ("refund_reason_required", 422);
    RefundRefused = ("refund_refused", 422);
    // Orders and fulfilment.
    OrderNotShippable = ("order_not_shippable", 409);
    OrderNotCancellable = ("order_not_cancellable", 409);
    OrderNotReceivable = ("order_not_receivable", 409);
    OrderChanged = ("order_changed", 409);
    CancelReasonRequired = ("cancel_reason_required", 422);
    ResiRequired = ("resi_required", 422);
    ResiInvalid = ("resi_invalid", 422);
    ResiTaken = ("resi_taken", 409);
    CourierRequired = ("courier_required", 422);
    TrackingSignatureInvalid = ("tracking_signature_invalid", 401);
    TrackingResiUnknown = ("tracking_resi_unknown", 404);
    LogisticsUnavailable = ("logistics_unavailable", 503);
    LogisticsRefused = ("logistics_refused", 422);
    PickupAddressMissing = ("pickup_address_missing", 422);
    LabelsNoneChosen = ("labels_none_chosen", 422);
    LabelsTooMany = ("labels_too_many", 422);
    LabelNotReady = ("label_not_ready", 409);
    // Content: short videos and their tags.
    VideoFileRequired = ("video_file_required", 422);
    VideoNotAVideo = ("video_not_a_video", 422);
    VideoTruncated = ("video_truncated", 422);
    VideoCodecNotAccepted = ("video_codec_not_accepted", 422);
    VideoTooLarge = ("video_too_large", 413);
    VideoTooLong = ("video_too_long", 422);
    CaptionTooLong = ("caption_too_long", 422);
    VideoTagRequired = ("video_tag_required", 422);
    VideoTooManyTags = ("video_too_many_tags", 422);
    VideoTagNotListed = ("video_tag_not_listed", 422);
    VideoTagForeign = ("video_tag_foreign", 422);
    VideoClaimsUnconfirmed = ("video_claims_unconfirmed", 409);
    // Content: live sessions and their comments.
    LiveTitleTooShort = ("live_title_too_short", 422);
    LiveTitleTooLong = ("live_title_too_long", 422);
    LiveTitleInvalid = ("live_title_invalid", 422);
    LiveStartInPast = ("live_start_in_past", 422);
    LiveStartTooFar = ("live_start_too_far", 422);
    LiveStreamUrlInvalid = ("live_stream_url_invalid", 422);
    LiveProductRequired = ("live_product_required", 422);
    LiveTooManyProducts = ("live_too_many_products", 422);
    LivePinNotFeatured = ("live_pin_not_featured", 422);
    FlashDealTooLong = ("flash_deal_too_long", 422);
    LiveStartRequired = ("live_start_required", 422);
    LiveStreamVideoUnknown = ("live_stream_video_unknown", 422);
    LiveSkuNotFeatured = ("live_sku_not_featured", 422);
    LiveNotOnAir = ("live_not_on_air", 409);
    LiveClaimsUnconfirmed = ("live_claims_unconfirmed", 409);
    FlashDealRunning = ("flash_deal_running", 409);
    FlashQuotaOverStock = ("flash_quota_over_stock", 422);
    CommentAuthorRequired = ("comment_author_required", 422);
    CommentEmpty = ("comment_empty", 422);
    CommentTooLong = ("comment_too_long", 422);
    CommentInvalid = ("comment_invalid", 422);
    CommentTooFast = ("comment_too_fast", 429);
    InvalidIdempotencyKey = ("invalid_idempotency_key", 400);
    IdempotencyKeyReused = ("idempotency_key_reused", 422);
    IdempotencyInProgress = ("idempotency_in_progress", 409);
    TooManyAttempts = ("too_many_attempts", 429);
    TooManyRequests = ("too_many_requests", 429);
    // 5xx: ours, never the user's.
    Internal = ("internal", 500);
    Unavailable = ("unavailable", 503);
    Timeout = ("timeout", 503);
}

impl ErrorCode {
    /// The translation key of the message shown to a person.
    pub fn message_key(self) -> String {
        format!("error.{}", self.code())
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for ErrorCode {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_statuses_sane() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.code()), "duplicate {}", code.code());
            assert!((400..600).contains(&code.status()));
        }
    }
}
