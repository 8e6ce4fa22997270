from django.urls import path

from .views import editor, lotse, provider, public, roundtable, sheets

app_name = "directory"

urlpatterns = [
    path("", public.directory_index, name="index"),
    path("offers/mine/", provider.my_offers, name="my_offers"),
    path("offers/<int:pk>/edit/", provider.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/easy-text/", provider.offer_easy_text, name="offer_easy_text"),
    path("offers/new/<int:organization>/", provider.offer_new, name="offer_new"),
    path("offers/<int:pk>/confirm/", provider.offer_confirm, name="offer_confirm"),
    path("changes/", editor.change_list, name="change_list"),
    path("offers/<int:pk>/texts/<str:language>/", editor.text_edit, name="text_edit"),
    path("changes/<int:pk>/", editor.change_detail, name="change_detail"),
    path("lotse/", lotse.desk, name="lotse_desk"),
    path("lotse/needs/<int:pk>/", lotse.needs_detail, name="needs_detail"),
    path("lotse/referrals/<int:pk>/slip.pdf", lotse.referral_slip, name="referral_slip"),
    path("lotse/referrals/<int:pk>/outcome/", lotse.referral_outcome, name="referral_outcome"),
    path("sheets/<int:pk>/", sheets.sheet_map, name="sheet_map"),
    path("<slug:slug>/import/", sheets.sheet_upload, name="sheet_upload"),
    path("<slug:slug>/texts/", editor.text_list, name="texts"),
    path("<slug:slug>/round-table/", roundtable.report, name="roundtable"),
    path(
        "<slug:slug>/round-table/duplicates/",
        roundtable.duplicate_decide,
        name="duplicate_decide",
    ),
    path("<slug:slug>/round-table.pdf", roundtable.report_pdf, name="roundtable_pdf"),
    path("<slug:slug>/", public.offer_search, name="search"),
    path("<slug:slug>/<int:pk>/", public.offer_detail, name="offer"),
]
