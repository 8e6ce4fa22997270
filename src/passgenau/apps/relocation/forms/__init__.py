"""Forms of the relocation pages, one module per area (as views, services and selectors).
They parse input; the services check the rules, and the messages they raise are put back on the
fields they concern (``base.form_add_service_errors``)."""
