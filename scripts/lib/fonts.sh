# Sourced (not run) by the fixture generators and scripts/render-formats.sh,
# so every renderer sees the same fonts.
#
# fonts_conf DIR writes DIR/fonts.conf, a private fontconfig that offers only
# WenQuanYi Micro Hei (fonts-wqy-microhei), whatever family a page asks for,
# with its cache under DIR/fc-cache. Point FONTCONFIG_FILE at it. WenQuanYi
# is TrueType (glyf), which Chromium embeds as Identity-H CIDFonts, the set-up
# closest to Word/WPS output; the CFF Noto CJK fonts would come out as Type 3.
fonts_conf() {
	cat >"$1/fonts.conf" <<XML
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/wqy</dir>
  <cachedir>$1/fc-cache</cachedir>
  <match target="pattern"><edit name="family" mode="assign" binding="strong"><string>WenQuanYi Micro Hei</string></edit></match>
</fontconfig>
XML
}
