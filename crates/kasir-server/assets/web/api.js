// Generated from /api/v1/openapi.json by kasir_server::api::openapi::client: do not edit.
// `KASIR_WRITE_CLIENT=1 cargo nextest run -E 'test(generated_client)'` writes it again.
import { api } from "./common.js";

const query = (q) => {
  const s = new URLSearchParams(Object.entries(q || {}).filter(([, v]) => v !== undefined && v !== null)).toString();
  return s ? `?${s}` : "";
};

/** List API keys */
export const getApiKeys = (o = {}) => api(`/api-keys${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create an API key (the secret is shown once) */
export const postApiKeys = (o = {}) => api(`/api-keys${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Revoke an API key */
export const deleteApiKeysId = (o = {}) => api(`/api-keys/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** List asset_categorys */
export const getAssetCategories = (o = {}) => api(`/asset-categories${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a asset_category */
export const postAssetCategories = (o = {}) => api(`/asset-categories${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a asset_category */
export const deleteAssetCategoriesId = (o = {}) => api(`/asset-categories/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a asset_category */
export const getAssetCategoriesId = (o = {}) => api(`/asset-categories/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a asset_category */
export const patchAssetCategoriesId = (o = {}) => api(`/asset-categories/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List assets */
export const getAssets = (o = {}) => api(`/assets${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a asset */
export const postAssets = (o = {}) => api(`/assets${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a asset */
export const deleteAssetsId = (o = {}) => api(`/assets/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a asset */
export const getAssetsId = (o = {}) => api(`/assets/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a asset */
export const patchAssetsId = (o = {}) => api(`/assets/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Give an asset to an employee (422 asset_already_assigned when someone holds it) */
export const postAssetsIdAssign = (o = {}) => api(`/assets/${encodeURIComponent(o.path.id)}/assign${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Who held an asset when, newest first */
export const getAssetsIdHistory = (o = {}) => api(`/assets/${encodeURIComponent(o.path.id)}/history${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Take an asset back from its custodian */
export const postAssetsIdReturn = (o = {}) => api(`/assets/${encodeURIComponent(o.path.id)}/return${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Attendance, newest day first (yours and your reports'; everyone's with hr.manage) */
export const getAttendance = (o = {}) => api(`/attendance${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List attendance_locations */
export const getAttendanceLocations = (o = {}) => api(`/attendance-locations${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a attendance_location */
export const postAttendanceLocations = (o = {}) => api(`/attendance-locations${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a attendance_location */
export const deleteAttendanceLocationsId = (o = {}) => api(`/attendance-locations/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a attendance_location */
export const getAttendanceLocationsId = (o = {}) => api(`/attendance-locations/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a attendance_location */
export const patchAttendanceLocationsId = (o = {}) => api(`/attendance-locations/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Check in at an attendance place (the server's clock decides the day and lateness) */
export const postAttendanceCheckIn = (o = {}) => api(`/attendance/check-in${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Check out of the open check-in */
export const postAttendanceCheckOut = (o = {}) => api(`/attendance/check-out${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** A month's present, late, absent and leave days and worked hours per employee */
export const getAttendanceReport = (o = {}) => api(`/attendance/report${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Read the audit log */
export const getAuditLogs = (o = {}) => api(`/audit-logs${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Log in with username and password */
export const postAuthLogin = (o = {}) => api(`/auth/login${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** End the login a refresh token belongs to */
export const postAuthLogout = (o = {}) => api(`/auth/logout${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** The signed-in user */
export const getAuthMe = (o = {}) => api(`/auth/me${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change your password (ends your other logins) */
export const postAuthPassword = (o = {}) => api(`/auth/password${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Trade a refresh token for a new pair (the old one stops working) */
export const postAuthRefresh = (o = {}) => api(`/auth/refresh${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Check an access token */
export const getAuthVerify = (o = {}) => api(`/auth/verify${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** The banks payouts can go to */
export const getBanks = (o = {}) => api(`/banks${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List branding requests (yours to ask or review, or all with branding.manage) */
export const getBrandingApprovals = (o = {}) => api(`/branding-approvals${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Ask approvers to approve designs */
export const postBrandingApprovals = (o = {}) => api(`/branding-approvals${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Get a branding request with its reviews */
export const getBrandingApprovalsId = (o = {}) => api(`/branding-approvals/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Approve, reject or ask for a revision (the request's approvers only) */
export const postBrandingApprovalsIdReview = (o = {}) => api(`/branding-approvals/${encodeURIComponent(o.path.id)}/review${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Send revised designs (the requester, after a request for revision); the reviews start again */
export const postBrandingApprovalsIdRevise = (o = {}) => api(`/branding-approvals/${encodeURIComponent(o.path.id)}/revise${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** List brands */
export const getBrands = (o = {}) => api(`/brands${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a brand */
export const postBrands = (o = {}) => api(`/brands${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a brand */
export const deleteBrandsId = (o = {}) => api(`/brands/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a brand */
export const getBrandsId = (o = {}) => api(`/brands/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a brand */
export const patchBrandsId = (o = {}) => api(`/brands/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List categorys */
export const getCategories = (o = {}) => api(`/categories${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a category */
export const postCategories = (o = {}) => api(`/categories${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a category */
export const deleteCategoriesId = (o = {}) => api(`/categories/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a category */
export const getCategoriesId = (o = {}) => api(`/categories/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a category */
export const patchCategoriesId = (o = {}) => api(`/categories/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List cms_ads */
export const getCmsAds = (o = {}) => api(`/cms/ads${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a cms_ad */
export const postCmsAds = (o = {}) => api(`/cms/ads${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a cms_ad */
export const deleteCmsAdsId = (o = {}) => api(`/cms/ads/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a cms_ad */
export const getCmsAdsId = (o = {}) => api(`/cms/ads/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a cms_ad */
export const patchCmsAdsId = (o = {}) => api(`/cms/ads/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List cms_posts */
export const getCmsBlog = (o = {}) => api(`/cms/blog${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a cms_post */
export const postCmsBlog = (o = {}) => api(`/cms/blog${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a cms_post */
export const deleteCmsBlogId = (o = {}) => api(`/cms/blog/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a cms_post */
export const getCmsBlogId = (o = {}) => api(`/cms/blog/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a cms_post */
export const patchCmsBlogId = (o = {}) => api(`/cms/blog/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List cms_careers */
export const getCmsCareers = (o = {}) => api(`/cms/careers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a cms_career */
export const postCmsCareers = (o = {}) => api(`/cms/careers${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a cms_career */
export const deleteCmsCareersId = (o = {}) => api(`/cms/careers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a cms_career */
export const getCmsCareersId = (o = {}) => api(`/cms/careers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a cms_career */
export const patchCmsCareersId = (o = {}) => api(`/cms/careers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List cms_departments */
export const getCmsDepartments = (o = {}) => api(`/cms/departments${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a cms_department */
export const postCmsDepartments = (o = {}) => api(`/cms/departments${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a cms_department */
export const deleteCmsDepartmentsId = (o = {}) => api(`/cms/departments/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a cms_department */
export const getCmsDepartmentsId = (o = {}) => api(`/cms/departments/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a cms_department */
export const patchCmsDepartmentsId = (o = {}) => api(`/cms/departments/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List cms_drop_points */
export const getCmsDropPoints = (o = {}) => api(`/cms/drop-points${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a cms_drop_point */
export const postCmsDropPoints = (o = {}) => api(`/cms/drop-points${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a cms_drop_point */
export const deleteCmsDropPointsId = (o = {}) => api(`/cms/drop-points/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a cms_drop_point */
export const getCmsDropPointsId = (o = {}) => api(`/cms/drop-points/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a cms_drop_point */
export const patchCmsDropPointsId = (o = {}) => api(`/cms/drop-points/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List cms_trainings */
export const getCmsTraining = (o = {}) => api(`/cms/training${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a cms_training */
export const postCmsTraining = (o = {}) => api(`/cms/training${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a cms_training */
export const deleteCmsTrainingId = (o = {}) => api(`/cms/training/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a cms_training */
export const getCmsTrainingId = (o = {}) => api(`/cms/training/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a cms_training */
export const patchCmsTrainingId = (o = {}) => api(`/cms/training/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List cms_vacancys */
export const getCmsVacancies = (o = {}) => api(`/cms/vacancies${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a cms_vacancy */
export const postCmsVacancies = (o = {}) => api(`/cms/vacancies${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a cms_vacancy */
export const deleteCmsVacanciesId = (o = {}) => api(`/cms/vacancies/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a cms_vacancy */
export const getCmsVacanciesId = (o = {}) => api(`/cms/vacancies/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a cms_vacancy */
export const patchCmsVacanciesId = (o = {}) => api(`/cms/vacancies/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Your addresses, the default first */
export const getCustomerAddresses = (o = {}) => api(`/customer/addresses${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Add an address */
export const postCustomerAddresses = (o = {}) => api(`/customer/addresses${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete an address (the newest other one becomes the default) */
export const deleteCustomerAddressesId = (o = {}) => api(`/customer/addresses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** One of your addresses */
export const getCustomerAddressesId = (o = {}) => api(`/customer/addresses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change an address */
export const patchCustomerAddressesId = (o = {}) => api(`/customer/addresses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Make an address the default */
export const postCustomerAddressesIdDefault = (o = {}) => api(`/customer/addresses/${encodeURIComponent(o.path.id)}/default${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Your wallet and points */
export const getCustomerBalance = (o = {}) => api(`/customer/balance${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Spend from your wallet */
export const postCustomerBalanceDecrease = (o = {}) => api(`/customer/balance/decrease${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Your wallet ledger, newest first */
export const getCustomerBalanceHistory = (o = {}) => api(`/customer/balance/history${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Whether an email has an account at the shop */
export const postCustomerCheckEmail = (o = {}) => api(`/customer/check-email${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Close your account (your logins end) */
export const postCustomerDeactivate = (o = {}) => api(`/customer/deactivate${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** The shop's questions and answers */
export const getCustomerFaqs = (o = {}) => api(`/customer/faqs${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Log in to the shop's app with username or email */
export const postCustomerLogin = (o = {}) => api(`/customer/login${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** The shop's current offers for you */
export const getCustomerOffers = (o = {}) => api(`/customer/offers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Choose a new password with the emailed link's token */
export const postCustomerPasswordReset = (o = {}) => api(`/customer/password-reset${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Email a password-reset link (202 whatever the email) */
export const postCustomerPasswordResetRequest = (o = {}) => api(`/customer/password-reset/request${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Your points ledger, newest first */
export const getCustomerPoints = (o = {}) => api(`/customer/points${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Turn points into wallet balance */
export const postCustomerPointsRedeem = (o = {}) => api(`/customer/points/redeem${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Your profile */
export const getCustomerProfile = (o = {}) => api(`/customer/profile${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change your name, email or phone number */
export const patchCustomerProfile = (o = {}) => api(`/customer/profile${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Upload your profile picture (multipart field `file`) */
export const postCustomerProfileImage = (o = {}) => api(`/customer/profile/image${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Register this device for push notifications */
export const postCustomerPushTokens = (o = {}) => api(`/customer/push-tokens${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Stop push notifications to this device */
export const deleteCustomerPushTokensToken = (o = {}) => api(`/customer/push-tokens/${encodeURIComponent(o.path.token)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Your referral code and how your invitations went */
export const getCustomerReferral = (o = {}) => api(`/customer/referral${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** The friends you invited */
export const getCustomerReferralHistory = (o = {}) => api(`/customer/referral/history${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Sign up for the shop's app (an email link or an SMS code follows) */
export const postCustomerSignup = (o = {}) => api(`/customer/signup${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Verify a new account with its emailed link */
export const getCustomerVerify = (o = {}) => api(`/customer/verify${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Verify a new account with its SMS code */
export const postCustomerVerify = (o = {}) => api(`/customer/verify${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Send a new verification link or code (once a minute) */
export const postCustomerVerifyResend = (o = {}) => api(`/customer/verify/resend${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Whether you have used a voucher */
export const getCustomerVouchersCheck = (o = {}) => api(`/customer/vouchers/check${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Use a voucher */
export const postCustomerVouchersRedeem = (o = {}) => api(`/customer/vouchers/redeem${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** List customers */
export const getCustomers = (o = {}) => api(`/customers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a customer */
export const postCustomers = (o = {}) => api(`/customers${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a customer */
export const deleteCustomersId = (o = {}) => api(`/customers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a customer */
export const getCustomersId = (o = {}) => api(`/customers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a customer */
export const patchCustomersId = (o = {}) => api(`/customers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** A customer's sales, newest first */
export const getCustomersIdSales = (o = {}) => api(`/customers/${encodeURIComponent(o.path.id)}/sales${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Sales, refunds, payments, best sellers and hours for a period */
export const getDashboardSummary = (o = {}) => api(`/dashboard/summary${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List departments */
export const getDepartments = (o = {}) => api(`/departments${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a department */
export const postDepartments = (o = {}) => api(`/departments${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a department */
export const deleteDepartmentsId = (o = {}) => api(`/departments/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a department */
export const getDepartmentsId = (o = {}) => api(`/departments/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a department */
export const patchDepartmentsId = (o = {}) => api(`/departments/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List devices */
export const getDevices = (o = {}) => api(`/devices${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a device */
export const postDevices = (o = {}) => api(`/devices${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a device */
export const deleteDevicesId = (o = {}) => api(`/devices/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a device */
export const getDevicesId = (o = {}) => api(`/devices/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a device */
export const patchDevicesId = (o = {}) => api(`/devices/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List drivers */
export const getDrivers = (o = {}) => api(`/drivers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a driver */
export const postDrivers = (o = {}) => api(`/drivers${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a driver */
export const deleteDriversId = (o = {}) => api(`/drivers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a driver */
export const getDriversId = (o = {}) => api(`/drivers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a driver */
export const patchDriversId = (o = {}) => api(`/drivers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Report the driver's own position (the driver's login only; rate limited) */
export const postDriversIdLocation = (o = {}) => api(`/drivers/${encodeURIComponent(o.path.id)}/location${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** A driver's positions in a time range, oldest first (at most 5,000) */
export const getDriversIdLocations = (o = {}) => api(`/drivers/${encodeURIComponent(o.path.id)}/locations${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List employee_advances */
export const getEmployeeAdvances = (o = {}) => api(`/employee-advances${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a employee_advance */
export const postEmployeeAdvances = (o = {}) => api(`/employee-advances${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a employee_advance */
export const deleteEmployeeAdvancesId = (o = {}) => api(`/employee-advances/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a employee_advance */
export const getEmployeeAdvancesId = (o = {}) => api(`/employee-advances/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a employee_advance */
export const patchEmployeeAdvancesId = (o = {}) => api(`/employee-advances/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List employee_deductions */
export const getEmployeeDeductions = (o = {}) => api(`/employee-deductions${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a employee_deduction */
export const postEmployeeDeductions = (o = {}) => api(`/employee-deductions${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a employee_deduction */
export const deleteEmployeeDeductionsId = (o = {}) => api(`/employee-deductions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a employee_deduction */
export const getEmployeeDeductionsId = (o = {}) => api(`/employee-deductions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a employee_deduction */
export const patchEmployeeDeductionsId = (o = {}) => api(`/employee-deductions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List employees */
export const getEmployees = (o = {}) => api(`/employees${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a employee */
export const postEmployees = (o = {}) => api(`/employees${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a employee */
export const deleteEmployeesId = (o = {}) => api(`/employees/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a employee */
export const getEmployeesId = (o = {}) => api(`/employees/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a employee */
export const patchEmployeesId = (o = {}) => api(`/employees/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List expense_categorys */
export const getExpenseCategories = (o = {}) => api(`/expense-categories${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a expense_category */
export const postExpenseCategories = (o = {}) => api(`/expense-categories${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a expense_category */
export const deleteExpenseCategoriesId = (o = {}) => api(`/expense-categories/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a expense_category */
export const getExpenseCategoriesId = (o = {}) => api(`/expense-categories/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a expense_category */
export const patchExpenseCategoriesId = (o = {}) => api(`/expense-categories/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List expenses */
export const getExpenses = (o = {}) => api(`/expenses${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a expense */
export const postExpenses = (o = {}) => api(`/expenses${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a expense */
export const deleteExpensesId = (o = {}) => api(`/expenses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a expense */
export const getExpensesId = (o = {}) => api(`/expenses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a expense */
export const patchExpensesId = (o = {}) => api(`/expenses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List faqs */
export const getFaqs = (o = {}) => api(`/faqs${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a faq */
export const postFaqs = (o = {}) => api(`/faqs${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a faq */
export const deleteFaqsId = (o = {}) => api(`/faqs/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a faq */
export const getFaqsId = (o = {}) => api(`/faqs/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a faq */
export const patchFaqsId = (o = {}) => api(`/faqs/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Upload a file (its type is judged from its content; images are encoded afresh) */
export const postFiles = (o = {}) => api(`/files${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Upload a temporary file, served once within 24 hours */
export const postFilesTemp = (o = {}) => api(`/files/temp${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** A file's content (product and CMS images need no login) */
export const getFilesId = (o = {}) => api(`/files/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** An image's thumbnail */
export const getFilesIdThumbnail = (o = {}) => api(`/files/${encodeURIComponent(o.path.id)}/thumbnail${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List freelancers */
export const getFreelancers = (o = {}) => api(`/freelancers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a freelancer */
export const postFreelancers = (o = {}) => api(`/freelancers${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a freelancer */
export const deleteFreelancersId = (o = {}) => api(`/freelancers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a freelancer */
export const getFreelancersId = (o = {}) => api(`/freelancers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a freelancer */
export const patchFreelancersId = (o = {}) => api(`/freelancers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** A freelancer's projects */
export const getFreelancersIdProjects = (o = {}) => api(`/freelancers/${encodeURIComponent(o.path.id)}/projects${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Give a freelancer a project */
export const postFreelancersIdProjects = (o = {}) => api(`/freelancers/${encodeURIComponent(o.path.id)}/projects${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** The menu for a table session's guests */
export const getGuestMenu = (o = {}) => api(`/guest/menu${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** The orders of this table session, oldest first */
export const getGuestOrders = (o = {}) => api(`/guest/orders${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Order at the table (limited per session and minute) */
export const postGuestOrders = (o = {}) => api(`/guest/orders${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** One order of this table session */
export const getGuestOrdersId = (o = {}) => api(`/guest/orders/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Pay this table's order by QRIS, e-wallet or invoice */
export const postGuestOrdersIdPayOnline = (o = {}) => api(`/guest/orders/${encodeURIComponent(o.path.id)}/pay-online${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** The QRIS code of this table's payment, to scan with a banking or e-wallet app */
export const getGuestPaymentsIdQrSvg = (o = {}) => api(`/guest/payments/${encodeURIComponent(o.path.id)}/qr.svg${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List halls */
export const getHalls = (o = {}) => api(`/halls${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a hall */
export const postHalls = (o = {}) => api(`/halls${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a hall */
export const deleteHallsId = (o = {}) => api(`/halls/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a hall */
export const getHallsId = (o = {}) => api(`/halls/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a hall */
export const patchHallsId = (o = {}) => api(`/halls/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List holidays */
export const getHolidays = (o = {}) => api(`/holidays${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a holiday */
export const postHolidays = (o = {}) => api(`/holidays${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a holiday */
export const deleteHolidaysId = (o = {}) => api(`/holidays/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a holiday */
export const getHolidaysId = (o = {}) => api(`/holidays/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a holiday */
export const patchHolidaysId = (o = {}) => api(`/holidays/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List background jobs */
export const getJobs = (o = {}) => api(`/jobs${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Leave requests (yours and your reports'; everyone's with hr.manage) */
export const getLeave = (o = {}) => api(`/leave${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List leave_types */
export const getLeaveTypes = (o = {}) => api(`/leave-types${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a leave_type */
export const postLeaveTypes = (o = {}) => api(`/leave-types${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a leave_type */
export const deleteLeaveTypesId = (o = {}) => api(`/leave-types/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a leave_type */
export const getLeaveTypesId = (o = {}) => api(`/leave-types/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a leave_type */
export const patchLeaveTypesId = (o = {}) => api(`/leave-types/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Apply for leave (working days held against the year's balance) */
export const postLeaveApply = (o = {}) => api(`/leave/apply${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** An employee's leave balance by kind: total, used, pending, remaining */
export const getLeaveBalanceEmployeeId = (o = {}) => api(`/leave/balance/${encodeURIComponent(o.path.employee_id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Collective leave: applied to and approved for every active employee (hr.manage) */
export const postLeaveCollective = (o = {}) => api(`/leave/collective${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** An employee's leave requests, latest first */
export const getLeaveHistoryEmployeeId = (o = {}) => api(`/leave/history/${encodeURIComponent(o.path.employee_id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Approve or reject a leave request (the employee's manager, or hr.manage) */
export const postLeaveIdApproval = (o = {}) => api(`/leave/${encodeURIComponent(o.path.id)}/approval${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Cancel a pending or approved leave (its days go back) */
export const postLeaveIdCancel = (o = {}) => api(`/leave/${encodeURIComponent(o.path.id)}/cancel${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Licences: all (platform operator) or the tenant's */
export const getLicenses = (o = {}) => api(`/licenses${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** A device takes a seat of a licence */
export const postLicensesActivate = (o = {}) => api(`/licenses/activate${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** A device gives its seat back */
export const postLicensesDeactivate = (o = {}) => api(`/licenses/deactivate${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Issue a licence to a tenant (platform operator) */
export const postLicensesGenerate = (o = {}) => api(`/licenses/generate${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** The key licence tokens are signed with */
export const getLicensesPublicKey = (o = {}) => api(`/licenses/public-key${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** A device renews its licence token */
export const postLicensesVerify = (o = {}) => api(`/licenses/verify${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** A licence with its activations */
export const getLicensesId = (o = {}) => api(`/licenses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Revoke a licence (platform operator) */
export const postLicensesIdRevoke = (o = {}) => api(`/licenses/${encodeURIComponent(o.path.id)}/revoke${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** List marketing_offers */
export const getMarketingOffers = (o = {}) => api(`/marketing-offers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a marketing_offer */
export const postMarketingOffers = (o = {}) => api(`/marketing-offers${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a marketing_offer */
export const deleteMarketingOffersId = (o = {}) => api(`/marketing-offers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a marketing_offer */
export const getMarketingOffersId = (o = {}) => api(`/marketing-offers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a marketing_offer */
export const patchMarketingOffersId = (o = {}) => api(`/marketing-offers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List meeting_rooms */
export const getMeetingRooms = (o = {}) => api(`/meeting-rooms${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a meeting_room */
export const postMeetingRooms = (o = {}) => api(`/meeting-rooms${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** List meeting-room bookings */
export const getMeetingRoomsBookings = (o = {}) => api(`/meeting-rooms/bookings${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Book a meeting room (409 room_unavailable when the time overlaps a booking) */
export const postMeetingRoomsBookings = (o = {}) => api(`/meeting-rooms/bookings${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Cancel a booking (its booker, or rooms.manage) */
export const deleteMeetingRoomsBookingsId = (o = {}) => api(`/meeting-rooms/bookings/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a booking */
export const getMeetingRoomsBookingsId = (o = {}) => api(`/meeting-rooms/bookings/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Delete a meeting_room */
export const deleteMeetingRoomsId = (o = {}) => api(`/meeting-rooms/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a meeting_room */
export const getMeetingRoomsId = (o = {}) => api(`/meeting-rooms/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a meeting_room */
export const patchMeetingRoomsId = (o = {}) => api(`/meeting-rooms/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** The free and booked periods of a room's day, in its time zone */
export const getMeetingRoomsIdAvailability = (o = {}) => api(`/meeting-rooms/${encodeURIComponent(o.path.id)}/availability${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List outbound messages and their delivery */
export const getMessages = (o = {}) => api(`/messages${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List modifier_groups */
export const getModifierGroups = (o = {}) => api(`/modifier-groups${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a modifier_group */
export const postModifierGroups = (o = {}) => api(`/modifier-groups${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a modifier_group */
export const deleteModifierGroupsId = (o = {}) => api(`/modifier-groups/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a modifier_group */
export const getModifierGroupsId = (o = {}) => api(`/modifier-groups/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a modifier_group */
export const patchModifierGroupsId = (o = {}) => api(`/modifier-groups/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** This OpenAPI document */
export const getOpenapiJson = (o = {}) => api(`/openapi.json${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Orders, oldest first (a kitchen display works through them in order) */
export const getOrders = (o = {}) => api(`/orders${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Take an order */
export const postOrders = (o = {}) => api(`/orders${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** One order */
export const getOrdersId = (o = {}) => api(`/orders/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Add items to an order */
export const postOrdersIdItems = (o = {}) => api(`/orders/${encodeURIComponent(o.path.id)}/items${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Merge an order into another (its items move; it is voided) */
export const postOrdersIdMerge = (o = {}) => api(`/orders/${encodeURIComponent(o.path.id)}/merge${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Move an order to another table */
export const postOrdersIdMove = (o = {}) => api(`/orders/${encodeURIComponent(o.path.id)}/move${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Pay an order (or a split of it) with a sale made by checkout */
export const postOrdersIdPay = (o = {}) => api(`/orders/${encodeURIComponent(o.path.id)}/pay${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Move an order along NEW → ACCEPTED → COOKING → READY → DONE, or void it */
export const patchOrdersIdStatus = (o = {}) => api(`/orders/${encodeURIComponent(o.path.id)}/status${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** An order's kitchen ticket as text or ESC/POS */
export const getOrdersIdTicket = (o = {}) => api(`/orders/${encodeURIComponent(o.path.id)}/ticket${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List outlets */
export const getOutlets = (o = {}) => api(`/outlets${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a outlet */
export const postOutlets = (o = {}) => api(`/outlets${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a outlet */
export const deleteOutletsId = (o = {}) => api(`/outlets/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a outlet */
export const getOutletsId = (o = {}) => api(`/outlets/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a outlet */
export const patchOutletsId = (o = {}) => api(`/outlets/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** The business's payment gateways (keys are never shown) */
export const getPaymentGateways = (o = {}) => api(`/payment-gateways${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Set up (or replace) the business's gateway of a provider; its keys are stored sealed */
export const postPaymentGateways = (o = {}) => api(`/payment-gateways${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Remove a payment gateway */
export const deletePaymentGatewaysId = (o = {}) => api(`/payment-gateways/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** List payment_methods */
export const getPaymentMethods = (o = {}) => api(`/payment-methods${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a payment_method */
export const postPaymentMethods = (o = {}) => api(`/payment-methods${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a payment_method */
export const deletePaymentMethodsId = (o = {}) => api(`/payment-methods/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a payment_method */
export const getPaymentMethodsId = (o = {}) => api(`/payment-methods/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a payment_method */
export const patchPaymentMethodsId = (o = {}) => api(`/payment-methods/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Gateway payments, newest first (a customer sees its own) */
export const getPayments = (o = {}) => api(`/payments${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** The gateway's callback (verified by its token, then re-read from the gateway) */
export const postPaymentsCallbackXendit = (o = {}) => api(`/payments/callback/xendit${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Pay through the gateway: a wallet top-up or an order (customers) */
export const postPaymentsCheckout = (o = {}) => api(`/payments/checkout${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** A gateway payment with its status history */
export const getPaymentsId = (o = {}) => api(`/payments/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Cancel a pending payment (expired at the gateway) */
export const postPaymentsIdCancel = (o = {}) => api(`/payments/${encodeURIComponent(o.path.id)}/cancel${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Payouts, newest first */
export const getPayouts = (o = {}) => api(`/payouts${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Pay out to a bank account (an Idempotency-Key is required) */
export const postPayouts = (o = {}) => api(`/payouts${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** List every permission string */
export const getPermissions = (o = {}) => api(`/permissions${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Permits (yours and your reports'; everyone's with hr.manage) */
export const getPermits = (o = {}) => api(`/permits${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Ask for a permit (hours within a day) */
export const postPermitsApply = (o = {}) => api(`/permits/apply${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Approve or reject a permit */
export const postPermitsIdApproval = (o = {}) => api(`/permits/${encodeURIComponent(o.path.id)}/approval${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Cancel a permit */
export const postPermitsIdCancel = (o = {}) => api(`/permits/${encodeURIComponent(o.path.id)}/cancel${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Liveness check */
export const getPing = (o = {}) => api(`/ping${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List positions */
export const getPositions = (o = {}) => api(`/positions${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a position */
export const postPositions = (o = {}) => api(`/positions${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a position */
export const deletePositionsId = (o = {}) => api(`/positions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a position */
export const getPositionsId = (o = {}) => api(`/positions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a position */
export const patchPositionsId = (o = {}) => api(`/positions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List products */
export const getProducts = (o = {}) => api(`/products${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a product */
export const postProducts = (o = {}) => api(`/products${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Find a product by barcode (or SKU), with stock at the caller's outlet */
export const getProductsBarcodeCode = (o = {}) => api(`/products/barcode/${encodeURIComponent(o.path.code)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Export the catalog as CSV or XLSX (one row per variant), streamed */
export const getProductsExport = (o = {}) => api(`/products/export${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Import products from CSV or XLSX: upsert by SKU, all or nothing */
export const postProductsImport = (o = {}) => api(`/products/import${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a product */
export const deleteProductsId = (o = {}) => api(`/products/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a product */
export const getProductsId = (o = {}) => api(`/products/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a product */
export const patchProductsId = (o = {}) => api(`/products/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Set a product's image (shown on the guest menu) */
export const postProductsIdImage = (o = {}) => api(`/products/${encodeURIComponent(o.path.id)}/image${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** List promotions */
export const getPromotions = (o = {}) => api(`/promotions${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a promotion */
export const postPromotions = (o = {}) => api(`/promotions${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a promotion */
export const deletePromotionsId = (o = {}) => api(`/promotions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a promotion */
export const getPromotionsId = (o = {}) => api(`/promotions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a promotion */
export const patchPromotionsId = (o = {}) => api(`/promotions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Published ads showing today (no login) */
export const getPublicTenantSlugCmsAds = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/ads${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Published blog posts, newest first (no login) */
export const getPublicTenantSlugCmsBlog = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/blog${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** One published blog post by its slug (no login) */
export const getPublicTenantSlugCmsBlogSlug = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/blog/${encodeURIComponent(o.path.slug)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Published careers pages (no login) */
export const getPublicTenantSlugCmsCareers = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/careers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** One published careers page by its slug (no login) */
export const getPublicTenantSlugCmsCareersSlug = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/careers/${encodeURIComponent(o.path.slug)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Published department pages (no login) */
export const getPublicTenantSlugCmsDepartments = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/departments${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** One published department page by its slug (no login) */
export const getPublicTenantSlugCmsDepartmentsSlug = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/departments/${encodeURIComponent(o.path.slug)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Published drop points (no login) */
export const getPublicTenantSlugCmsDropPoints = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/drop-points${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Published training pages (no login) */
export const getPublicTenantSlugCmsTraining = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/training${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** One published training page by its slug (no login) */
export const getPublicTenantSlugCmsTrainingSlug = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/training/${encodeURIComponent(o.path.slug)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Published open vacancies (no login) */
export const getPublicTenantSlugCmsVacancies = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/vacancies${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** One published open vacancy by its slug (no login) */
export const getPublicTenantSlugCmsVacanciesSlug = (o = {}) => api(`/public/${encodeURIComponent(o.path.tenant_slug)}/cms/vacancies/${encodeURIComponent(o.path.slug)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List purchase_returns */
export const getPurchaseReturns = (o = {}) => api(`/purchase-returns${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a purchase_return */
export const postPurchaseReturns = (o = {}) => api(`/purchase-returns${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Get a purchase_return */
export const getPurchaseReturnsId = (o = {}) => api(`/purchase-returns/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List purchases */
export const getPurchases = (o = {}) => api(`/purchases${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a purchase */
export const postPurchases = (o = {}) => api(`/purchases${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a purchase */
export const deletePurchasesId = (o = {}) => api(`/purchases/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a purchase */
export const getPurchasesId = (o = {}) => api(`/purchases/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a purchase */
export const patchPurchasesId = (o = {}) => api(`/purchases/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Cancel a purchase before any of it arrives */
export const postPurchasesIdCancel = (o = {}) => api(`/purchases/${encodeURIComponent(o.path.id)}/cancel${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Place a draft purchase with the supplier */
export const postPurchasesIdOrder = (o = {}) => api(`/purchases/${encodeURIComponent(o.path.id)}/order${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Receive all or part of a draft or ordered purchase: stock arrives at unit cost */
export const postPurchasesIdReceive = (o = {}) => api(`/purchases/${encodeURIComponent(o.path.id)}/receive${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Send a push notification to chosen customers or all (customers.manage) */
export const postPushSend = (o = {}) => api(`/push/send${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Sales grouped by day, outlet, cashier, product or category */
export const getReportsSales = (o = {}) => api(`/reports/sales${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List roles */
export const getRoles = (o = {}) => api(`/roles${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a role */
export const postRoles = (o = {}) => api(`/roles${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a role */
export const deleteRolesId = (o = {}) => api(`/roles/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a role */
export const getRolesId = (o = {}) => api(`/roles/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a role */
export const patchRolesId = (o = {}) => api(`/roles/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List rosters */
export const getRosters = (o = {}) => api(`/rosters${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a roster */
export const postRosters = (o = {}) => api(`/rosters${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Roster many shifts at once (a day already rostered gets the new shift) */
export const postRostersBulk = (o = {}) => api(`/rosters/bulk${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a roster */
export const deleteRostersId = (o = {}) => api(`/rosters/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a roster */
export const getRostersId = (o = {}) => api(`/rosters/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a roster */
export const patchRostersId = (o = {}) => api(`/rosters/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Sales, newest first */
export const getSales = (o = {}) => api(`/sales${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Ring up a sale (checkout) */
export const postSales = (o = {}) => api(`/sales${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** One sale */
export const getSalesId = (o = {}) => api(`/sales/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** A sale's invoice as an A4 PDF */
export const getSalesIdInvoice = (o = {}) => api(`/sales/${encodeURIComponent(o.path.id)}/invoice${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** A sale's receipt as PDF, text or ESC/POS */
export const getSalesIdReceipt = (o = {}) => api(`/sales/${encodeURIComponent(o.path.id)}/receipt${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** A sale's refunds, oldest first */
export const getSalesIdRefunds = (o = {}) => api(`/sales/${encodeURIComponent(o.path.id)}/refunds${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Refund items of a sale */
export const postSalesIdRefunds = (o = {}) => api(`/sales/${encodeURIComponent(o.path.id)}/refunds${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Void a sale: its stock comes back and its payments are paid back */
export const postSalesIdVoid = (o = {}) => api(`/sales/${encodeURIComponent(o.path.id)}/void${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Shifts, oldest first (sort=-opened_at for newest) */
export const getShifts = (o = {}) => api(`/shifts${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Close a shift with the cash counted */
export const postShiftsClose = (o = {}) => api(`/shifts/close${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** The caller's open shift at an outlet (404 when none) */
export const getShiftsCurrent = (o = {}) => api(`/shifts/current${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Open a shift at an outlet */
export const postShiftsOpen = (o = {}) => api(`/shifts/open${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** One shift */
export const getShiftsId = (o = {}) => api(`/shifts/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** A shift's cash movements */
export const getShiftsIdCashMovements = (o = {}) => api(`/shifts/${encodeURIComponent(o.path.id)}/cash-movements${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Put cash into or take cash out of the drawer */
export const postShiftsIdCashMovements = (o = {}) => api(`/shifts/${encodeURIComponent(o.path.id)}/cash-movements${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** A shift's figures (running while it is open) */
export const getShiftsIdReport = (o = {}) => api(`/shifts/${encodeURIComponent(o.path.id)}/report${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List stations */
export const getStations = (o = {}) => api(`/stations${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a station */
export const postStations = (o = {}) => api(`/stations${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a station */
export const deleteStationsId = (o = {}) => api(`/stations/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a station */
export const getStationsId = (o = {}) => api(`/stations/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a station */
export const patchStationsId = (o = {}) => api(`/stations/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Stock levels */
export const getStock = (o = {}) => api(`/stock${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Adjust stock by a change or a counted quantity */
export const postStockAdjustments = (o = {}) => api(`/stock/adjustments${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Export stock levels as CSV or XLSX, streamed */
export const getStockExport = (o = {}) => api(`/stock/export${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** The stock ledger, newest first */
export const getStockMovements = (o = {}) => api(`/stock/movements${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List stock_transfers */
export const getStockTransfers = (o = {}) => api(`/stock/transfers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a stock_transfer */
export const postStockTransfers = (o = {}) => api(`/stock/transfers${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Get a stock_transfer */
export const getStockTransfersId = (o = {}) => api(`/stock/transfers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Cancel a transfer that was not sent */
export const postStockTransfersIdCancel = (o = {}) => api(`/stock/transfers/${encodeURIComponent(o.path.id)}/cancel${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Receive all or part of a sent transfer: stock arrives at the destination */
export const postStockTransfersIdReceive = (o = {}) => api(`/stock/transfers/${encodeURIComponent(o.path.id)}/receive${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Send a transfer: stock leaves the source */
export const postStockTransfersIdSend = (o = {}) => api(`/stock/transfers/${encodeURIComponent(o.path.id)}/send${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** List suppliers */
export const getSuppliers = (o = {}) => api(`/suppliers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a supplier */
export const postSuppliers = (o = {}) => api(`/suppliers${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a supplier */
export const deleteSuppliersId = (o = {}) => api(`/suppliers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a supplier */
export const getSuppliersId = (o = {}) => api(`/suppliers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a supplier */
export const patchSuppliersId = (o = {}) => api(`/suppliers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Conflicts between devices' changes and the server's */
export const getSyncConflicts = (o = {}) => api(`/sync/conflicts${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** One conflict */
export const getSyncConflictsId = (o = {}) => api(`/sync/conflicts/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Resolve a conflict: the chosen values become a new version of the record */
export const postSyncConflictsIdResolve = (o = {}) => api(`/sync/conflicts/${encodeURIComponent(o.path.id)}/resolve${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Pull changes since a cursor */
export const getSyncPull = (o = {}) => api(`/sync/pull${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Push a device's offline changes (at most 50, applied in order) */
export const postSyncPush = (o = {}) => api(`/sync/push${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Make a gateway payment for a customer account (services with an API key) */
export const postSysPaymentsCheckout = (o = {}) => api(`/sys/payments/checkout${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Use a voucher for a customer (API key with promotions.manage) */
export const postSysVouchersRedeem = (o = {}) => api(`/sys/vouchers/redeem${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** List table_sessions */
export const getTableSessions = (o = {}) => api(`/table-sessions${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a table_session */
export const postTableSessions = (o = {}) => api(`/table-sessions${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Check a table session's token (no login: the token is the credential) */
export const postTableSessionsValidate = (o = {}) => api(`/table-sessions/validate${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Get a table_session */
export const getTableSessionsId = (o = {}) => api(`/table-sessions/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Close a table session: its token orders nothing more */
export const postTableSessionsIdClose = (o = {}) => api(`/table-sessions/${encodeURIComponent(o.path.id)}/close${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** The session's QR code (PNG) */
export const getTableSessionsIdQrPng = (o = {}) => api(`/table-sessions/${encodeURIComponent(o.path.id)}/qr.png${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** The session's QR code (SVG), linking to KASIR_PUBLIC_URL with its token */
export const getTableSessionsIdQrSvg = (o = {}) => api(`/table-sessions/${encodeURIComponent(o.path.id)}/qr.svg${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List tables */
export const getTables = (o = {}) => api(`/tables${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a table */
export const postTables = (o = {}) => api(`/tables${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a table */
export const deleteTablesId = (o = {}) => api(`/tables/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a table */
export const getTablesId = (o = {}) => api(`/tables/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a table */
export const patchTablesId = (o = {}) => api(`/tables/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List taxs */
export const getTaxes = (o = {}) => api(`/taxes${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a tax */
export const postTaxes = (o = {}) => api(`/taxes${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a tax */
export const deleteTaxesId = (o = {}) => api(`/taxes/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a tax */
export const getTaxesId = (o = {}) => api(`/taxes/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a tax */
export const patchTaxesId = (o = {}) => api(`/taxes/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** A temporary file, once (then it is deleted) */
export const getTempName = (o = {}) => api(`/temp/${encodeURIComponent(o.path.name)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List tenants */
export const getTenants = (o = {}) => api(`/tenants${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a tenant and its owner (platform operator) */
export const postTenants = (o = {}) => api(`/tenants${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Import a tenant's export into this server, ids kept (platform operator) */
export const postTenantsImport = (o = {}) => api(`/tenants/import${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Get a tenant */
export const getTenantsId = (o = {}) => api(`/tenants/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a tenant's settings */
export const patchTenantsId = (o = {}) => api(`/tenants/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Export a tenant's data in the backup format (tenant owner) */
export const getTenantsIdExport = (o = {}) => api(`/tenants/${encodeURIComponent(o.path.id)}/export${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** List tickets (those you reported, or all with tickets.manage) */
export const getTickets = (o = {}) => api(`/tickets${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Open a ticket */
export const postTickets = (o = {}) => api(`/tickets${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Get a ticket */
export const getTicketsId = (o = {}) => api(`/tickets/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a ticket: its text (the reporter), or its priority, assignee and status (tickets.manage) */
export const patchTicketsId = (o = {}) => api(`/tickets/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Close a ticket with its resolution and the reporter's rating */
export const postTicketsIdClose = (o = {}) => api(`/tickets/${encodeURIComponent(o.path.id)}/close${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** A ticket's comments, oldest first (internal notes only for tickets.manage) */
export const getTicketsIdComments = (o = {}) => api(`/tickets/${encodeURIComponent(o.path.id)}/comments${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Comment on a ticket (internal notes need tickets.manage) */
export const postTicketsIdComments = (o = {}) => api(`/tickets/${encodeURIComponent(o.path.id)}/comments${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Reopen a resolved or closed ticket */
export const postTicketsIdReopen = (o = {}) => api(`/tickets/${encodeURIComponent(o.path.id)}/reopen${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** List users */
export const getUsers = (o = {}) => api(`/users${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a user */
export const postUsers = (o = {}) => api(`/users${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a user */
export const deleteUsersId = (o = {}) => api(`/users/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a user */
export const getUsersId = (o = {}) => api(`/users/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a user */
export const patchUsersId = (o = {}) => api(`/users/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List vehicles */
export const getVehicles = (o = {}) => api(`/vehicles${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a vehicle */
export const postVehicles = (o = {}) => api(`/vehicles${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a vehicle */
export const deleteVehiclesId = (o = {}) => api(`/vehicles/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a vehicle */
export const getVehiclesId = (o = {}) => api(`/vehicles/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a vehicle */
export const patchVehiclesId = (o = {}) => api(`/vehicles/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List vouchers */
export const getVouchers = (o = {}) => api(`/vouchers${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a voucher */
export const postVouchers = (o = {}) => api(`/vouchers${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Check a voucher code against an order amount */
export const postVouchersValidate = (o = {}) => api(`/vouchers/validate${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a voucher */
export const deleteVouchersId = (o = {}) => api(`/vouchers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a voucher */
export const getVouchersId = (o = {}) => api(`/vouchers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a voucher */
export const patchVouchersId = (o = {}) => api(`/vouchers/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List warehouses */
export const getWarehouses = (o = {}) => api(`/warehouses${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a warehouse */
export const postWarehouses = (o = {}) => api(`/warehouses${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a warehouse */
export const deleteWarehousesId = (o = {}) => api(`/warehouses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a warehouse */
export const getWarehousesId = (o = {}) => api(`/warehouses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a warehouse */
export const patchWarehousesId = (o = {}) => api(`/warehouses/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** List work_shifts */
export const getWorkShifts = (o = {}) => api(`/work-shifts${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Create a work_shift */
export const postWorkShifts = (o = {}) => api(`/work-shifts${query(o.query)}`, { method: "POST", body: o.body, headers: o.headers });

/** Delete a work_shift */
export const deleteWorkShiftsId = (o = {}) => api(`/work-shifts/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "DELETE", body: o.body, headers: o.headers });

/** Get a work_shift */
export const getWorkShiftsId = (o = {}) => api(`/work-shifts/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Change a work_shift */
export const patchWorkShiftsId = (o = {}) => api(`/work-shifts/${encodeURIComponent(o.path.id)}${query(o.query)}`, { method: "PATCH", body: o.body, headers: o.headers });

/** Open the realtime WebSocket (events of the caller's tenant and outlets) */
export const getWs = (o = {}) => api(`/ws${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Open a WebSocket of branding approval events only */
export const getWsBrandingApproval = (o = {}) => api(`/ws/branding-approval${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });

/** Open a WebSocket of ticket events only */
export const getWsTickets = (o = {}) => api(`/ws/tickets${query(o.query)}`, { method: "GET", body: o.body, headers: o.headers });
