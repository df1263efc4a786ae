"""Import/export file formats and the admin mixin that uses them."""

from import_export.admin import ImportExportMixin
from import_export.formats import base_formats


class XLSX(base_formats.XLSX):
    pass


class CSV(base_formats.CSV):
    pass


class PortalImportExportMixin(ImportExportMixin):
    formats = [XLSX, CSV]
